// 400 messages name the field and say what it takes, in words rather than a schema keyword or a raw regex.
import Fastify from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerErrorHandling } from "../../src/server/errors.ts";
import { CONTROL_FREE } from "../../src/control.ts";
import { validatorCompiler } from "../../src/server/validation.ts";

const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
beforeAll(async () => {
  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandling(app);
  const Body = Type.Object(
    { type: Type.Union([Type.Literal("email"), Type.Literal("webhook"), Type.Literal("slack")]), note: Type.Optional(Type.String({ pattern: CONTROL_FREE })), n: Type.Optional(Type.Integer()), at: Type.Optional(Type.String({ format: "date-time" })) },
    { additionalProperties: false },
  );
  app.post("/t", { schema: { body: Body } }, async () => ({ ok: true }));
  await app.ready();
});
afterAll(() => app.close());

const post = async (body: unknown) => (await app.inject({ method: "POST", url: "/t", payload: body as object })).json() as { message: string };

describe("validation messages", () => {
  it("a union of literals lists what it takes", async () => {
    expect((await post({ type: "sms" })).message).toBe('body/type must be one of "email", "webhook", "slack"');
  });
  it("a control character in a single-line field is named in words", async () => {
    expect((await post({ type: "email", note: "a\nb" })).message).toBe("body/note must not contain control characters (line breaks, tabs)");
  });
  it("a date-time without a time zone says what is expected", async () => {
    expect((await post({ type: "email", at: "2026-12-01T14:00" })).message).toBe("body/at must be an ISO 8601 date-time with a time zone, e.g. 2026-12-01T14:00:00Z");
  });
  it("other keywords keep Ajv's words, with the field", async () => {
    expect((await post({ type: "email", n: 1.5 })).message).toBe("body/n must be integer");
    expect((await post({ type: "email", x: 1 })).message).toBe('body has unknown field "x"');
  });
});
