// Column settings (筛选列): which optional columns show, kept in localStorage per user and page.

export const TOGGLEABLE_COLUMNS = [
  'order_status',
  'batch_no',
  'order_no',
  'merchant_name',
  'shop_name',
  'mcc_code',
  'rate',
  'confirm',
  'query_count',
  'last_query_time',
  'next_query_time',
  'created_by',
  'created_time',
] as const
export type ColumnKey = (typeof TOGGLEABLE_COLUMNS)[number]

export const PAGE_KEY = 'payment/facetoface'

export function storageKeyFor(userKey: string, page = PAGE_KEY): string {
  return `xjz_columns:${userKey}:${page}`
}

/** The saved selection, or every column when nothing (valid) is saved. */
export function loadColumns(userKey: string, storage: Storage = localStorage): ColumnKey[] {
  try {
    const raw = storage.getItem(storageKeyFor(userKey))
    if (!raw) return [...TOGGLEABLE_COLUMNS]
    const parsed: unknown = JSON.parse(raw)
    if (!Array.isArray(parsed)) return [...TOGGLEABLE_COLUMNS]
    return TOGGLEABLE_COLUMNS.filter((c) => parsed.includes(c))
  } catch {
    return [...TOGGLEABLE_COLUMNS]
  }
}

export function saveColumns(userKey: string, columns: readonly ColumnKey[], storage: Storage = localStorage): void {
  storage.setItem(storageKeyFor(userKey), JSON.stringify(columns))
}
