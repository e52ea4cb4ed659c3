// The tables and columns a raw SQL statement names, checked against prisma/schema.prisma's models, for the
// fast paths' statements on SQLite (store/fast-sql-schema.test.ts) and PostgreSQL (store/postgres-fast-sql.test.ts).
//
//   schemaTables(schema): Map<table, Set<column>>
//   unknownNames(sql, tables): { problems: string[]; checked: number }
// Understands: quoted names, table aliases (with or without AS), excluded.* of an upsert, json_each's value,
// PostgreSQL's derived tables with a column list (unnest(...) AS v(a, b)) and subqueries named before ON
// (whose columns are not checked), casts ($1::text[]) and named parameters (@x, :x, $1).

/** Table name → column names, from the schema's models (relation fields are no columns; @map and @@map rename). */
export function schemaTables(schema: string): Map<string, Set<string>> {
  const models = [...schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(models.map((m) => m[1]));
  const tables = new Map<string, Set<string>>();
  for (const [, model, body] of models) {
    let table = model;
    const columns = new Set<string>();
    for (const raw of body.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      const tableMap = /^@@map\("(\w+)"\)/.exec(line);
      if (tableMap) table = tableMap[1];
      const field = /^(\w+)\s+(\w+)(\[\])?\??(.*)$/.exec(line);
      if (!field || modelNames.has(field[2]) || field[3]) continue;
      columns.add(/@map\("(\w+)"\)/.exec(field[4])?.[1] ?? field[1]);
    }
    tables.set(table, columns);
  }
  return tables;
}

const KEYWORDS = new Set(
  ("SELECT FROM WHERE AND OR NOT IN IS NULL INSERT IGNORE INTO VALUES ON CONFLICT DO UPDATE SET RETURNING ORDER BY JOIN DELETE ASC DESC LIMIT " +
    "AS LIKE GROUP HAVING OVER ROWS UNBOUNDED PRECEDING INDEXED EXISTS DISTINCT CASE WHEN THEN ELSE END " +
    "NOTHING FILTER UNION ALL PARTITION TRUE FALSE FULL USING").split(" "),
);
const TABLE_AFTER = new Set(["FROM", "INTO", "UPDATE", "JOIN"]);

interface Token {
  name: string;
  column?: string;
  /** A function: "(" right after the name ("INTO Replica (" has a space). */
  call: boolean;
}

/** The tables and columns one statement names that the schema lacks; `checked` counts the names it resolved. */
export function unknownNames(sql: string, tables: Map<string, Set<string>>): { problems: string[]; checked: number } {
  // Derived tables: `AS v(a, b)` (columns known) and `(subquery) l ON` (columns unchecked).
  const derived = new Map<string, Set<string> | null>();
  for (const m of sql.matchAll(/\bAS\s+"?(\w+)"?\s*\(([^)]*)\)/gi)) derived.set(m[1], new Set(m[2].split(",").map((c) => c.trim().replace(/"/g, ""))));
  for (const m of sql.matchAll(/\)\s+(\w+)\s+ON\b/gi)) derived.set(m[1], null);
  // Names a statement defines itself: result aliases (AS n), the index INDEXED BY names, derived tables' columns.
  const defined = new Set([...sql.matchAll(/\b(?:AS|INDEXED\s+BY)\s+"?(\w+)"?/gi)].map((m) => m[1]));
  for (const [name, columns] of derived) for (const c of [name, ...(columns ?? [])]) defined.add(c);
  const text = sql.replace(/'[^']*'/g, "''").replace(/[@:$]\w+/g, "?");
  const tokens: Token[] = [...text.matchAll(/"?([A-Za-z_]\w*)"?(?:\s*\.\s*"?([A-Za-z_]\w*)"?)?(\()?/g)].map((m) => ({
    name: m[1],
    column: m[2],
    call: Boolean(m[3]),
  }));
  const problems: string[] = [];
  const named = new Map<string, string>(); // table or alias → table
  const used = new Set<number>();
  let inserted: string | null = null;
  let checked = 0;
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    // DO UPDATE SET: no table follows.
    if (!TABLE_AFTER.has(t.name.toUpperCase()) || !next || next.call || KEYWORDS.has(next.name.toUpperCase())) return;
    used.add(i + 1);
    if (!tables.has(next.name)) problems.push(`table ${next.name}`);
    else checked++;
    named.set(next.name, next.name);
    if (t.name.toUpperCase() === "INTO") inserted = next.name;
    const as = tokens[i + 2]?.name.toUpperCase() === "AS" && !tokens[i + 2].column ? 1 : 0;
    const alias = tokens[i + 2 + as];
    if (alias && !alias.call && !alias.column && !KEYWORDS.has(alias.name.toUpperCase())) {
      named.set(alias.name, next.name);
      used.add(i + 2 + as);
    }
  });
  if (inserted) named.set("excluded", inserted);
  const pseudo = tokens.some((t) => t.call && t.name === "json_each") ? new Set(["value"]) : new Set<string>();
  tokens.forEach((t, i) => {
    if (used.has(i) || t.call || KEYWORDS.has(t.name.toUpperCase()) || (defined.has(t.name) && t.column === undefined)) return;
    if (t.column !== undefined) {
      if (derived.has(t.name)) {
        const columns = derived.get(t.name);
        if (columns && !columns.has(t.column)) problems.push(`column ${t.name}.${t.column}`);
        return;
      }
      const table = named.get(t.name);
      if (!table) problems.push(`table or alias ${t.name}`);
      else if (!tables.get(table)?.has(t.column)) problems.push(`column ${table}.${t.column}`);
      else checked++;
      return;
    }
    if (pseudo.has(t.name)) return;
    const owners = [...new Set(named.values())].filter((table) => tables.get(table)?.has(t.name));
    if (owners.length === 0) problems.push(`column ${t.name} (in ${[...new Set(named.values())].join(", ") || "no table"})`);
    else checked++;
  });
  return { problems, checked };
}
