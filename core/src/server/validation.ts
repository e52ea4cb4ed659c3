// Bodies are validated strictly (no type coercion, unknown fields rejected);
// path and query strings arrive as text, so those are coerced.
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats.js";
import type { FastifySchemaCompiler } from "fastify";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const rfc3339 = fullFormats["date-time"] as { validate: (s: string) => boolean };

/**
 * RFC 3339 date-times that JavaScript can read: RFC 3339 allows a leap second (23:59:60), which Date.parse
 * answers NaN for, so such a time passed the schema and failed later as a 500. It is a 400 naming the field.
 */
export function readableDateTime(s: string): boolean {
  return rfc3339.validate(s) && !Number.isNaN(Date.parse(s));
}

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: false, removeAdditional: false, useDefaults: true, coerceTypes: coerce, strict: false });
  addFormats(ajv);
  ajv.addFormat("date-time", { type: "string", validate: readableDateTime });
  return ajv;
}

const strict = makeAjv(false);
const coercing = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? strict : coercing;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};
