// The API's schemas, one place for routes, the OpenAPI document and the
// dashboard (which imports the wire types, type-only: `import type { ProjectDetail }
// from "…/core/src/server/schemas.ts"`). Keep this module free of Node-only imports.
export * from "./schemas/common.ts";
export * from "./schemas/projects.ts";
export * from "./schemas/activity.ts";
export * from "./schemas/admin.ts";
