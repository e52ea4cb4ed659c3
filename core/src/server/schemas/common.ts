// Building blocks of the API's JSON schemas (TypeBox, the version the Fastify
// type provider is built on). Responses are serialized by their schema
// (fast-json-stringify): a property the schema does not name is dropped unless
// the object allows additional properties, so views built in other modules are
// declared open (`additionalProperties: true`).
import { Type, type Static, type TSchema } from "@fastify/type-provider-typebox";

/** An ISO 8601 timestamp on the wire; handlers may return a Date, the serializer writes toISOString(). */
export const DateTime = Type.Unsafe<Date | string>(Type.String({ format: "date-time" }));

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * JSON parsed from a stored column, sent as it is (no property dropped, none required, so rows written by
 * older versions still serialize). T is the shape the core writes; `description` says it in the OpenAPI document.
 */
export const Json = <T>(description: string) => Type.Unsafe<T>({ description });

/** 204: no body. */
export const NoContent = Type.Unsafe<void>({ description: "no content" });

/** Every error: `{error, message}` (errors.ts), with a 4xx code, or 5xx when the core or a remote failed. */
export const ErrorBody = Type.Object(
  { error: Type.String({ description: "machine-readable code: bad_request, not_found, conflict, …" }), message: Type.String() },
  { additionalProperties: true },
);
export const Errors = { "4xx": ErrorBody, "5xx": ErrorBody } as const;

/** `{ ok, detail }`: a test send or check and what the other side answered. */
export const CheckResult = Type.Object({ ok: Type.Boolean(), detail: Type.String() });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export const ProjectName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: "^[A-Za-z0-9][A-Za-z0-9 ._-]*$",
  description: "letters, digits, space, dot, dash and underscore; starts with a letter or digit",
});

/** A response type as the client reads it: Dates arrive as ISO strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** The wire type of a response schema. */
export type WireOf<T extends TSchema> = Wire<Static<T>>;
