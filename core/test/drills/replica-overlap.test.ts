// The decision behind refusing a file replica more than one project reports (replica-overlap.ts), without I/O.
import { describe, expect, it } from "vitest";
import { fileReplicasOverlap, overlappingProjects, sharedFileReplicaWords } from "../../src/drills/replica-overlap.ts";

const dirs = (p: string, real = p) => ({ written: p, real });

describe("fileReplicasOverlap", () => {
  it("equal directories overlap, after resolving trailing slashes, '.' and '..'", () => {
    expect(fileReplicasOverlap("/r/B", "/r/B")).toBe(true);
    expect(fileReplicasOverlap("/r/B/", "/r/B")).toBe(true);
    expect(fileReplicasOverlap("/r/B", "/r/B//")).toBe(true);
    expect(fileReplicasOverlap("/r/./B", "/r/x/../B")).toBe(true);
  });
  it("a directory inside the other overlaps, either way round", () => {
    expect(fileReplicasOverlap("/r/B", "/r/B/generations")).toBe(true);
    expect(fileReplicasOverlap("/r/B/ltx/0", "/r/B/")).toBe(true);
    expect(fileReplicasOverlap("/r", "/r/B")).toBe(true);
  });
  it("siblings with a common prefix do not overlap", () => {
    expect(fileReplicasOverlap("/r/B", "/r/B2")).toBe(false);
    expect(fileReplicasOverlap("/r/B2/", "/r/B")).toBe(false);
    expect(fileReplicasOverlap("/r/A", "/r/B")).toBe(false);
    expect(fileReplicasOverlap("/r/B", "/r/B..x")).toBe(false);
  });
});

describe("overlappingProjects", () => {
  it("names each other project once, sorted, whose directory overlaps as written", () => {
    const others = [
      { ...dirs("/r/B"), project: "projB" },
      { ...dirs("/r/B/"), project: "projB" },
      { ...dirs("/r/B2"), project: "projB2" },
      { ...dirs("/r"), project: "projAll" },
    ];
    expect(overlappingProjects(dirs("/r/B"), others)).toEqual(["projAll", "projB"]);
    expect(overlappingProjects(dirs("/r/C"), others)).toEqual(["projAll"]);
    expect(overlappingProjects(dirs("/elsewhere"), others)).toEqual([]);
  });
  it("finds a directory reached through a symbolic link by its resolved path", () => {
    expect(overlappingProjects(dirs("/r/link-to-B", "/r/B"), [{ ...dirs("/r/B"), project: "projB" }])).toEqual(["projB"]);
    expect(overlappingProjects(dirs("/r/link-to-B", "/r/B"), [{ ...dirs("/r/link-to-B2", "/r/B2"), project: "projB2" }])).toEqual([]);
  });
});

describe("sharedFileReplicaWords", () => {
  it("says what is refused, until when, and names the other projects", () => {
    expect(sharedFileReplicaWords("file:///r/B", ["projB"])).toBe(
      'file replica file:///r/B is also reported by another project ("projB"): drills and restores refuse it until only one project reports it',
    );
  });
});
