// The decision behind refusing a file replica more than one project reports (replica-overlap.ts), without I/O.
import { describe, expect, it } from "vitest";
import { claimantWords, dirsOverlap, distinctClaimants, fileReplicasOverlap, laterClaimWords, s3ReplicasOverlap, sharedFileReplicaWords, type Claimant, type ReplicaDirs } from "../../src/drills/replica-overlap.ts";

const dirs = (p: string, real = p) => ({ written: p, real });
const reported = (project: string) => ({ project, stored: false });
const names = (cs: { project: string }[]) => cs.map((c) => c.project);

describe("fileReplicasOverlap", () => {
  it("equal directories overlap, after resolving trailing slashes, '.' and '..'", () => {
    expect(fileReplicasOverlap("/r/B", "/r/B")).toBe(true);
    expect(fileReplicasOverlap("/r/B/", "/r/B")).toBe(true);
    expect(fileReplicasOverlap("/r/B", "/r/B//")).toBe(true);
    expect(fileReplicasOverlap("/r/./B", "/r/x/../B")).toBe(true);
  });
  it("a directory inside the other is another replica, either way round (a restore reads only its own layout)", () => {
    expect(fileReplicasOverlap("/r/B", "/r/B/generations")).toBe(false);
    expect(fileReplicasOverlap("/r/B/ltx/0", "/r/B/")).toBe(false);
    expect(fileReplicasOverlap("/r", "/r/B")).toBe(false);
    expect(fileReplicasOverlap("/r/B/x/..", "/r/B")).toBe(true);
  });
  it("siblings with a common prefix do not overlap", () => {
    expect(fileReplicasOverlap("/r/B", "/r/B2")).toBe(false);
    expect(fileReplicasOverlap("/r/B2/", "/r/B")).toBe(false);
    expect(fileReplicasOverlap("/r/A", "/r/B")).toBe(false);
    expect(fileReplicasOverlap("/r/B", "/r/B..x")).toBe(false);
  });
});

const overlappingProjects = (mine: ReplicaDirs, others: (ReplicaDirs & Claimant)[]) => distinctClaimants(others.filter((o) => dirsOverlap(mine, o)));

describe("dirsOverlap, each claimant once", () => {
  it("names each other project once, sorted, that claims the same directory as written; a parent claims nothing below it", () => {
    const others = [
      { ...dirs("/r/B"), ...reported("projB") },
      { ...dirs("/r/B/"), ...reported("projB") },
      { ...dirs("/r/B2"), ...reported("projB2") },
      { ...dirs("/r"), ...reported("projAll") },
    ];
    expect(names(overlappingProjects(dirs("/r/B"), others))).toEqual(["projB"]);
    expect(overlappingProjects(dirs("/r/C"), others)).toEqual([]);
    expect(names(overlappingProjects(dirs("/r/"), others))).toEqual(["projAll"]);
    expect(overlappingProjects(dirs("/elsewhere"), others)).toEqual([]);
  });
  it("finds a directory reached through a symbolic link by its resolved path", () => {
    expect(names(overlappingProjects(dirs("/r/link-to-B", "/r/B"), [{ ...dirs("/r/B"), ...reported("projB") }]))).toEqual(["projB"]);
    expect(overlappingProjects(dirs("/r/link-to-B", "/r/B"), [{ ...dirs("/r/link-to-B2", "/r/B2"), ...reported("projB2") }])).toEqual([]);
  });
  it("keeps whether each project reports or stores the directory, a report first", () => {
    const others = [
      { ...dirs("/r/B"), project: "p", stored: true },
      { ...dirs("/r/B/"), project: "p", stored: false },
      { ...dirs("/r/B/x"), project: "q", stored: false },
      { ...dirs("/r/B"), project: "a", stored: true },
    ];
    expect(overlappingProjects(dirs("/r/B"), others)).toEqual([
      { project: "a", stored: true },
      { project: "p", stored: false },
      { project: "p", stored: true },
    ]);
  });
});

describe("s3ReplicasOverlap", () => {
  const at = (bucket: string, path: string, endpoint: string | null = "http://127.0.0.1:9000") => ({ bucket, path, endpoint });
  it("the same endpoint and bucket with equal or nested key prefixes overlap", () => {
    expect(s3ReplicasOverlap(at("b", "app"), at("b", "app"))).toBe(true);
    expect(s3ReplicasOverlap(at("b", "app"), at("b", "app/db", "http://127.0.0.1:9000/"))).toBe(true);
    expect(s3ReplicasOverlap(at("b", ""), at("b", "anything"))).toBe(true);
    expect(s3ReplicasOverlap(at("b", "app", null), at("b", "app", null))).toBe(true);
  });
  it("another bucket, endpoint or sibling prefix does not", () => {
    expect(s3ReplicasOverlap(at("b", "app"), at("c", "app"))).toBe(false);
    expect(s3ReplicasOverlap(at("b", "app"), at("b", "app2"))).toBe(false);
    expect(s3ReplicasOverlap(at("b", "app"), at("b", "app", "http://127.0.0.1:9001"))).toBe(false);
    expect(s3ReplicasOverlap(at("b", "app"), at("b", "app", null))).toBe(false);
  });
});

describe("sharedFileReplicaWords", () => {
  it("says what is refused, until when, and names the other projects", () => {
    expect(sharedFileReplicaWords("file:///r/B", [reported("projB")])).toBe(
      'file replica file:///r/B is also reported by another project ("projB"): drills and restores refuse it until only one project reports it',
    );
  });
  it('says "stored on" for a replica an operator stored on the other project', () => {
    expect(sharedFileReplicaWords("file:///r/B", [{ project: "p1", stored: true }])).toBe(
      'file replica file:///r/B is also stored on another project ("p1"): drills and restores refuse it until only one project reports it',
    );
    expect(claimantWords([reported("a"), reported("b"), { project: "c", stored: true }])).toBe('reported by another project ("a", "b") and stored on another project ("c")');
  });
});

describe("laterClaimWords", () => {
  it("names the project that claimed the replica first and says this project is the one refused", () => {
    expect(laterClaimWords("file:///r/C", [reported("projC")])).toBe(
      'file replica file:///r/C is also reported by another project ("projC"), which claimed it first: drills and restores of this project refuse it while that claim stands (30 days after that project last reported or stored it, or until that project is deleted)',
    );
  });
});
