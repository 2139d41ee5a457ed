import { DataClass } from "./dataClass";

/** The labels every labelled resource carries (control GOV-02). */
export interface StandardLabels {
  env: string;
  "data-class": DataClass;
  owner: string;
  [key: string]: string;
}
