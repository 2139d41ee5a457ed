import { goDurationSeconds, protobufDurationSeconds } from "../facts/durations";

describe("one parser per duration format", () => {
  test("protobuf Duration JSON: seconds with an `s` suffix, fractions allowed, nothing else", () => {
    expect(protobufDurationSeconds("7776000s")).toBe(7776000);
    expect(protobufDurationSeconds("1.5s")).toBe(1.5);
    for (const other of ["10m", "1h", "7776000", "", "-5s", undefined, 30])
      expect(protobufDurationSeconds(other)).toBeNaN();
  });

  test("Go durations: unit-suffixed parts summed, the protobuf form read as seconds too", () => {
    expect(goDurationSeconds("1h2m3s")).toBe(3723);
    expect(goDurationSeconds("90s")).toBe(90);
    expect(goDurationSeconds("250ms")).toBe(0.25);
    for (const other of ["soon", "10", "", "1d", undefined]) expect(goDurationSeconds(other)).toBeNaN();
  });
});
