// Permission checks shared by the v-hasPerm directive, the router guard and the views.

export const WILDCARD_PERM = '*:*:*'

export const FacetofacePerm = {
  query: 'module_payment:facetoface:query',
  detail: 'module_payment:facetoface:detail',
  apply: 'module_payment:facetoface:apply',
  refresh: 'module_payment:facetoface:refresh',
  cancel: 'module_payment:facetoface:cancel',
  export: 'module_payment:facetoface:export',
} as const

/**
 * Whether one granted permission covers a required one, as the server decides it: segment by
 * segment, `*` matching any segment, the same number of segments (`module_payment:*:*`
 * covers `module_payment:facetoface:apply`; `*:*:*` covers everything).
 */
export function grants(granted: string, required: string): boolean {
  const g = granted.split(':')
  const r = required.split(':')
  return g.length === r.length && g.every((seg, i) => seg === '*' || seg === r[i])
}

/**
 * True when `owned` grants any of `required` (one string or a list; an empty list grants
 * nothing).
 */
export function hasPermission(owned: readonly string[], required: string | readonly string[]): boolean {
  const wanted = typeof required === 'string' ? [required] : required
  if (wanted.length === 0) return false
  return wanted.some((perm) => owned.some((have) => grants(have, perm)))
}
