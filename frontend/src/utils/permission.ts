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
 * True when `owned` grants any of `required` (one string or a list; an empty list grants
 * nothing). The wildcard `*:*:*` and super admins pass everything.
 */
export function hasPermission(
  owned: readonly string[],
  required: string | readonly string[],
  isSuperuser = false,
): boolean {
  const wanted = typeof required === 'string' ? [required] : required
  if (wanted.length === 0) return false
  if (isSuperuser || owned.includes(WILDCARD_PERM)) return true
  return wanted.some((perm) => owned.includes(perm))
}
