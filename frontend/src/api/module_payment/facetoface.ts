// Typed client of the facetoface module (DESIGN.md §4, mounted at /api/v1/payment/facetoface)
// and the status constants every view uses (table tag, search select, drawer).
import { request, requestBlob, type PageResult, type RequestOptions } from '@/utils/request'

export const FACETOFACE_BASE = '/payment/facetoface'

// ---------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------

export const ORDER_STATUSES = [
  'INIT',
  'SUBMITTED',
  'MERCHANT_AUDITING',
  'MERCHANT_CONFIRM',
  'SUCCESS',
  'CLOSED',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export interface StatusMeta {
  zh: string
  en: string
  type: TagType
  effect: 'light' | 'dark' | 'plain'
}

export const STATUS_META: Record<OrderStatus, StatusMeta> = {
  INIT: { zh: '待提交', en: 'Not submitted', type: 'info', effect: 'light' },
  SUBMITTED: { zh: '已提交', en: 'Submitted', type: 'primary', effect: 'light' },
  MERCHANT_AUDITING: { zh: '审核中', en: 'Under review', type: 'warning', effect: 'light' },
  MERCHANT_CONFIRM: { zh: '待商家确认', en: 'Awaiting merchant', type: 'warning', effect: 'dark' },
  SUCCESS: { zh: '已开通', en: 'Active', type: 'success', effect: 'light' },
  CLOSED: { zh: '已关闭', en: 'Closed', type: 'danger', effect: 'light' },
}

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value)
}

export type Locale = 'zh-CN' | 'en'

/** Label and tag of any raw status; unknown values show as they are, grey. */
export function statusView(
  status: string | null | undefined,
  locale: Locale = 'zh-CN',
): { label: string; type: TagType; effect: 'light' | 'dark' | 'plain'; known: boolean } {
  if (isOrderStatus(status)) {
    const meta = STATUS_META[status]
    return { label: locale === 'en' ? meta.en : meta.zh, type: meta.type, effect: meta.effect, known: true }
  }
  return { label: status ? String(status) : '-', type: 'info', effect: 'plain', known: false }
}

/** Options of the status select: value + label in the locale. */
export function statusOptions(locale: Locale = 'zh-CN'): { value: OrderStatus; label: string }[] {
  return ORDER_STATUSES.map((value) => ({ value, label: statusView(value, locale).label }))
}

/** `closed_reason` of a CLOSED order, as the API writes it. */
export const CLOSED_REASONS = ['rejected', 'merchant_timeout', 'cancelled', 'superseded'] as const
export type ClosedReason = (typeof CLOSED_REASONS)[number] | 'unknown'

export const CLOSED_REASON_LABEL: Record<ClosedReason, { zh: string; en: string }> = {
  rejected: { zh: '驳回', en: 'Rejected' },
  merchant_timeout: { zh: '商家超时未确认', en: 'Merchant did not confirm in time' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  superseded: { zh: '已被重新申请取代', en: 'Superseded by a re-application' },
  unknown: { zh: '已关闭', en: 'Closed' },
}

/** Why a CLOSED order closed: the API's `closed_reason` (`unknown` for a value it may add later). */
export function closedReason(order: Pick<FacetofaceOrder, 'order_status'> & Partial<FacetofaceOrder>): ClosedReason | null {
  if (order.order_status !== 'CLOSED') return null
  const reason = order.closed_reason
  return (CLOSED_REASONS as readonly unknown[]).includes(reason) ? (reason as ClosedReason) : 'unknown'
}

/** Tooltip text of a CLOSED tag: the reason, plus Alipay's reject reason when given. */
export function closedTooltip(order: Partial<FacetofaceOrder> & Pick<FacetofaceOrder, 'order_status'>, locale: Locale = 'zh-CN'): string {
  const reason = closedReason(order)
  if (!reason) return ''
  const label = locale === 'en' ? CLOSED_REASON_LABEL[reason].en : CLOSED_REASON_LABEL[reason].zh
  return order.reject_reason ? `${label}: ${order.reject_reason}` : label
}

// ---------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------

export type SubmitStep = 'none' | 'batch_created' | 'signed' | 'confirm_sent' | 'confirmed'

export const IMAGE_FIELDS = [
  'business_license_pic',
  'business_license_auth_pic',
  'shop_scene_pic',
  'shop_sign_board_pic',
  'special_license_pic',
] as const
export type ImageField = (typeof IMAGE_FIELDS)[number]

export interface ShopAddress {
  country_code?: string
  province_code?: string
  city_code?: string
  district_code?: string
  detail_address?: string
  longitude?: string
  latitude?: string
}

/** The last failed Alipay call (`last_error`). */
export interface LastError {
  /** e.g. `alipay.open.agent.confirm`. */
  method: string
  /** transport, timeout, bad_signature, malformed, unsigned, error_response, business. */
  class: string
  code: string | null
  msg: string | null
  sub_code: string | null
  sub_msg: string | null
  /** Our own one-line description of the failure. */
  message: string
  time: string
}

/** A stored image of an order (detail only). */
export interface ImageInfo {
  field: ImageField | string
  content_type: string
  size: number
}

/** One `restrict_infos[]` entry of Alipay's order.query. */
export interface RestrictInfo {
  restrict_product?: string | null
  restrict_reason?: string | null
  restrict_reason_code?: string | null
}

/**
 * An order as the API returns it (`OrderData`, crates/api/src/facetoface/dto.rs). List items
 * have the same shape, masked (mobiles, a mobile account, the licence number) and without
 * `images`. Secrets never leave the server: the app auth token shows as `has_app_auth_token`.
 */
export interface FacetofaceOrder {
  id: number
  uuid: string
  version: number
  description: string | null
  created_time: string
  updated_time: string
  created_id: number | null
  updated_id: number | null

  order_status: OrderStatus | string
  /** Set when CLOSED: rejected, merchant_timeout, cancelled, superseded. */
  closed_reason: ClosedReason | string | null

  account: string
  contact_name: string
  contact_mobile: string
  contact_email: string | null
  merchant_name: string | null
  mcc_code: string
  rate: string | null
  sign_and_auth: boolean
  business_license_no: string | null
  business_license_mobile: string | null
  long_term: boolean | null
  date_limitation: string | null
  shop_name: string | null
  shop_address: ShopAddress | null
  remark: string | null
  /** Detail only (absent in list items and in the answers of actions). */
  images?: ImageInfo[]

  batch_no: string | null
  order_no: string | null
  alipay_order_status: string | null
  needs_correction: boolean
  confirm_url: string | null
  merchant_pid: string | null
  has_app_auth_token: boolean
  reject_reason: string | null
  restrict_infos: RestrictInfo[]
  product_status: string | null
  product_reject_reason: string | null

  submit_step: SubmitStep | string
  batch_created_time: string | null
  confirmed_time: string | null
  merchant_confirm_time: string | null
  last_error: LastError | null
  last_query_time: string | null
  next_query_time: string | null
  query_count: number
  polling_stopped_time: string | null
  polling_stopped_reason: string | null
  superseded_by: number | null
  reapplied_from: number | null
}

/** Who caused an event. */
export type EventActor = { type: 'user'; id: number } | { type: 'worker' } | { type: 'system' }

/** An Alipay call and what it answered (`class` null and code `10000` when it succeeded). */
export interface AlipayCallFields {
  method: string
  class: string | null
  code: string | null
  sub_code: string | null
  sub_msg: string | null
}

/** The fields of each event kind (flattened into the event next to `time`, `actor`, `kind`). */
export interface EventKindFields {
  created: { reapplied_from: number | null }
  alipay_call: AlipayCallFields
  step_reached: { step: SubmitStep | string; batch_no: string | null }
  batch_abandoned: { batch_no: string; reason: string }
  confirm_not_received: { batch_no: string }
  status_changed: { from: OrderStatus | string; to: OrderStatus | string; alipay_status: string | null }
  backward_move_ignored: { current: OrderStatus | string; alipay_status: string }
  unknown_alipay_status: { alipay_status: string }
  needs_correction_changed: { needs_correction: boolean }
  edited: { fields: string[] }
  closed: { reason: ClosedReason | string }
  superseded_by: { order_id: number }
  polling_stopped: { reason: string }
  polling_resumed: Record<string, never>
}
export type EventKind = keyof EventKindFields

/** One timeline entry of `GET /{id}/events` (oldest first). */
export type FacetofaceEvent = {
  [K in EventKind]: { time: string; actor: EventActor; kind: K } & EventKindFields[K]
}[EventKind]

export interface MccOption {
  /** The code sent as `mcc_code`, e.g. `A0002_B0114` or `C_C05_5812`. */
  code: string
  name: string
  /** The group the picker shows it under, e.g. `餐饮/食品`. */
  category: string
}

export interface RegionNode {
  code: string
  name: string
  /** Absent on districts and on cities without districts. */
  children?: RegionNode[]
}

export interface StatusLabel {
  code: OrderStatus | string
  zh: string
  en: string
  terminal: boolean
}

/** `GET /options`. */
export interface FacetofaceOptions {
  /** Version of the server's embedded data (changes when the catalogue or regions do). */
  version: string
  mcc: MccOption[]
  regions: RegionNode[]
  statuses: StatusLabel[]
}

/** The list's query parameters: the server refuses any other (10422). */
export interface FacetofaceQuery {
  page_no?: number
  page_size?: number
  order_by?: string
  order_status?: string
  merchant_name?: string
  shop_name?: string
  batch_no?: string
  order_no?: string
  needs_correction?: boolean
  /** [from, to], `YYYY-MM-DD HH:mm:ss` China time, inclusive; sent as `created_time` twice. */
  created_time?: [string, string] | string[]
}

/** Every parameter the list (and the export, plus `format`) accepts. */
export const LIST_PARAMS = [
  'page_no',
  'page_size',
  'order_by',
  'order_status',
  'merchant_name',
  'shop_name',
  'batch_no',
  'order_no',
  'needs_correction',
  'created_time',
] as const satisfies readonly (keyof FacetofaceQuery)[]

/**
 * The query as sent: only the known parameters (the server answers 10422 to any other) and
 * `created_time` only as a full [from, to] pair. Blank values are dropped by the request
 * layer, which repeats array keys (`created_time=a&created_time=b`).
 */
export function listParams(query: FacetofaceQuery): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of LIST_PARAMS) {
    const value = query[key]
    if (value === undefined || value === null) continue
    if (key === 'created_time') {
      if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string' && v.trim() !== '')) out[key] = [...value]
      continue
    }
    out[key] = value
  }
  return out
}

/** Text parts of apply / edit / re-apply, named like Alipay's parameters. */
export interface ApplyFields {
  account: string
  contact_name: string
  contact_mobile: string
  contact_email?: string
  merchant_name?: string
  mcc_code: string
  rate?: string
  sign_and_auth?: boolean
  business_license_no?: string
  business_license_mobile?: string
  long_term?: boolean
  date_limitation?: string
  shop_name?: string
  shop_address?: ShopAddress | null
  remark?: string
}

export type ApplyImages = Partial<Record<ImageField, File | Blob>>

export interface ApplyPayload {
  fields: ApplyFields
  images?: ApplyImages
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/** The stored image fields of an order (known fields only, in the API's order). */
export function storedImageFields(order: Pick<FacetofaceOrder, 'images'>): ImageField[] {
  const known = (f: unknown): f is ImageField => (IMAGE_FIELDS as readonly unknown[]).includes(f)
  return (order.images ?? []).map((image) => image.field).filter(known)
}

/**
 * The multipart body of apply / edit / re-apply. Undefined fields are left out (callers
 * leave blank optional fields undefined on apply and blank on edit, which clears them);
 * booleans as "true"/"false"; shop_address as JSON text; images under their field names.
 */
export function toFormData(payload: ApplyPayload, extra: Record<string, string> = {}): FormData {
  const form = new FormData()
  for (const [key, value] of Object.entries(payload.fields)) {
    if (value === undefined || value === null) continue
    if (typeof value === 'boolean') {
      form.append(key, value ? 'true' : 'false')
    } else if (typeof value === 'object') {
      form.append(key, JSON.stringify(value))
    } else {
      // A blank part is sent as given: on edit it clears an optional field.
      form.append(key, String(value).trim())
    }
  }
  for (const [key, value] of Object.entries(extra)) form.append(key, value)
  for (const field of IMAGE_FIELDS) {
    const file = payload.images?.[field]
    if (file) form.append(field, file, file instanceof File ? file.name : `${field}.bin`)
  }
  return form
}

/** A fresh idempotency key (one per dialog opening). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

// Apply / re-apply wait for Alipay's three calls; allow longer than the default.
const SUBMIT_TIMEOUT_MS = 60_000

// ---------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------

export const FacetofaceAPI = {
  /** GET / — paged list with filters. */
  list(query: FacetofaceQuery, options: RequestOptions = {}): Promise<PageResult<FacetofaceOrder>> {
    return request({ ...options, method: 'get', url: FACETOFACE_BASE, params: listParams(query) })
  },

  /** GET /options — MCC catalogue, region tree, status labels. */
  options(): Promise<FacetofaceOptions> {
    return request({ method: 'get', url: `${FACETOFACE_BASE}/options` })
  },

  /** GET /export?format=csv|xlsx — the filtered list, masked, as a file. */
  async export(
    query: Omit<FacetofaceQuery, 'page_no' | 'page_size'>,
    format: 'csv' | 'xlsx' = 'xlsx',
  ): Promise<{ blob: Blob; filename: string }> {
    const response = await requestBlob({
      method: 'get',
      url: `${FACETOFACE_BASE}/export`,
      params: { ...listParams(query), format },
    })
    const disposition = String(response.headers?.['content-disposition'] ?? '')
    return { blob: response.data, filename: filenameFrom(disposition) ?? `facetoface.${format}` }
  },

  /** POST /apply (multipart) with an Idempotency-Key. */
  apply(payload: ApplyPayload, idempotencyKey: string, options: RequestOptions = {}): Promise<FacetofaceOrder> {
    return request({
      ...options,
      method: 'post',
      url: `${FACETOFACE_BASE}/apply`,
      data: toFormData(payload),
      headers: { 'Idempotency-Key': idempotencyKey },
      timeout: SUBMIT_TIMEOUT_MS,
    })
  },

  /** GET /{id}. */
  detail(id: number, options: RequestOptions = {}): Promise<FacetofaceOrder> {
    return request({ ...options, method: 'get', url: `${FACETOFACE_BASE}/${id}` })
  },

  /**
   * PATCH /{id} (INIT only): corrected fields and replaced images, multipart. `version`
   * (the optimistic lock) travels as a text part when known.
   */
  update(id: number, payload: ApplyPayload, version?: number, options: RequestOptions = {}): Promise<FacetofaceOrder> {
    const extra: Record<string, string> = version === undefined ? {} : { version: String(version) }
    return request({
      ...options,
      method: 'patch',
      url: `${FACETOFACE_BASE}/${id}`,
      data: toFormData(payload, extra),
    })
  },

  /** GET /{id}/images/{field} as a Blob. */
  async image(id: number, field: ImageField): Promise<Blob> {
    const response = await requestBlob({ method: 'get', url: `${FACETOFACE_BASE}/${id}/images/${field}`, silent: true })
    return response.data
  },

  /** URL path of an image (needs the bearer header, so fetch it with `image`). */
  imagePath(id: number, field: ImageField): string {
    return `/api/v1${FACETOFACE_BASE}/${id}/images/${field}`
  },

  /** GET /{id}/events — the timeline, oldest first. */
  events(id: number, options: RequestOptions = {}): Promise<FacetofaceEvent[]> {
    return request<FacetofaceEvent[]>({ ...options, method: 'get', url: `${FACETOFACE_BASE}/${id}/events` }).then((data) =>
      Array.isArray(data) ? data : [],
    )
  },

  /** POST /{id}/query — refresh from Alipay. */
  query(id: number, options: RequestOptions = {}): Promise<FacetofaceOrder> {
    return request({ ...options, method: 'post', url: `${FACETOFACE_BASE}/${id}/query` })
  },

  /** POST /{id}/resume (INIT). */
  resume(id: number, options: RequestOptions = {}): Promise<FacetofaceOrder> {
    return request({ ...options, method: 'post', url: `${FACETOFACE_BASE}/${id}/resume`, timeout: SUBMIT_TIMEOUT_MS })
  },

  /** POST /{id}/cancel (INIT). */
  cancel(id: number, options: RequestOptions = {}): Promise<FacetofaceOrder> {
    return request({ ...options, method: 'post', url: `${FACETOFACE_BASE}/${id}/cancel` })
  },

  /** POST /{id}/reapply (multipart, like apply) with an Idempotency-Key. */
  reapply(id: number, payload: ApplyPayload, idempotencyKey: string, options: RequestOptions = {}): Promise<FacetofaceOrder> {
    return request({
      ...options,
      method: 'post',
      url: `${FACETOFACE_BASE}/${id}/reapply`,
      data: toFormData(payload),
      headers: { 'Idempotency-Key': idempotencyKey },
      timeout: SUBMIT_TIMEOUT_MS,
    })
  },
}

/** `filename*=UTF-8''…` or `filename="…"` of a Content-Disposition header. */
export function filenameFrom(disposition: string): string | null {
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      return star[1].trim()
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)
  return plain?.[1]?.trim() ?? null
}

export default FacetofaceAPI
