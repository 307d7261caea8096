// Display helpers: the API sends times as `YYYY-MM-DD HH:mm:ss` China time; show them as
// they are, blank as "-".

export const BLANK = '-'

const TIME_RE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})/

/** `YYYY-MM-DD HH:mm:ss` for any time the API sends (an ISO `T` is tolerated); else "-". */
export function formatTime(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return BLANK
  const m = TIME_RE.exec(String(value))
  return m ? `${m[1]} ${m[2]}` : String(value)
}

/** Any value or "-" when blank. */
export function orBlank(value: unknown): string {
  if (value === null || value === undefined) return BLANK
  const text = String(value).trim()
  return text === '' ? BLANK : text
}

/** `0.38` → `0.38%`. */
export function formatRate(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return BLANK
  return `${value}%`
}
