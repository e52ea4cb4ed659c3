/** The refusal a password form shows before it asks the core: null when the password and its confirmation agree. */
export function passwordsDiffer(password: string, confirmation: string): string | null {
  return password === confirmation ? null : "the two passwords differ";
}
