/** What a resource holds, as its `data-class` label says (GOV-02): tenants' data, cardholder data, or neither. */
export type DataClass = "tenant" | "cardholder" | "none";
