import { Type } from "@sinclair/typebox";

export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export const ProjectName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: "^[A-Za-z0-9][A-Za-z0-9 ._-]*$",
  description: "letters, digits, space, dot, dash and underscore; starts with a letter or digit",
});
