// One line of Litestream's log (0.3.13, and 0.5.16's slog text), in any of its three shapes:
//   slog text (after the config is read):  time=… level=ERROR msg="monitor error" db=/x replica=s3 error="…"
//   Go's default logger (before):          2026/11/25 03:36:01 ERROR failed to run error="…"
//   slog JSON (logging.type: json):        {"time":"…","level":"ERROR","msg":"…","error":"…"}
//
//   parseLogLine(line: string): LogLine | null
export interface LogLine {
  level: string;
  msg: string;
  attrs: Record<string, string>;
}

function unquote(s: string): string {
  try {
    return JSON.parse(s) as string;
  } catch {
    return s.slice(1, -1).replace(/\\n/g, "\n").replace(/\\t/g, "\t").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
  }
}

const PAIR = /([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)/g;

function parseAttrs(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of text.matchAll(PAIR)) attrs[m[1]] = m[2].startsWith('"') ? unquote(m[2]) : m[2];
  return attrs;
}

function parseJson(line: string): LogLine | null {
  try {
    const obj = JSON.parse(line) as Record<string, unknown>;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj)) if (k !== "level" && k !== "msg") attrs[k] = typeof v === "string" ? v : JSON.stringify(v);
    return { level: String(obj.level ?? "INFO").toUpperCase(), msg: String(obj.msg ?? ""), attrs };
  } catch {
    return null;
  }
}

const STDLIB = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? (DEBUG|INFO|WARN|ERROR) (.*)$/;

export function parseLogLine(raw: string): LogLine | null {
  const line = raw.trim();
  if (!line) return null;
  if (line.startsWith("{")) return parseJson(line);
  const std = line.match(STDLIB);
  if (std) {
    const rest = std[2];
    const firstAttr = rest.search(/\s[A-Za-z_][\w.-]*=/);
    const msg = firstAttr === -1 ? rest : rest.slice(0, firstAttr);
    return { level: std[1], msg: msg.trim(), attrs: firstAttr === -1 ? {} : parseAttrs(rest.slice(firstAttr)) };
  }
  if (line.startsWith("time=") || line.startsWith("level=")) {
    // The record's own level and msg come first; 0.5 adds attributes of the same name later
    // (msg="compaction failed" … level=1): those stay attributes.
    let level: string | null = null;
    let msg: string | null = null;
    const attrs: Record<string, string> = {};
    for (const m of line.matchAll(PAIR)) {
      const value = m[2].startsWith('"') ? unquote(m[2]) : m[2];
      if (m[1] === "level" && level === null) level = value;
      else if (m[1] === "msg" && msg === null) msg = value;
      else attrs[m[1]] = value;
    }
    return { level: (level ?? "INFO").toUpperCase(), msg: msg ?? "", attrs };
  }
  return { level: "INFO", msg: line, attrs: {} };
}
