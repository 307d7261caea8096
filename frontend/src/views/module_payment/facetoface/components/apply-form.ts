// The apply / edit / re-apply form model and its conversions (pure, unit-tested).
import {
  IMAGE_FIELDS,
  storedImageFields,
  type ApplyImages,
  type ApplyPayload,
  type FacetofaceOrder,
  type ImageField,
  type ShopAddress,
} from '@/api/module_payment/facetoface'

export type DialogMode = 'apply' | 'edit' | 'reapply'

export const CHINA = '156'

export interface ApplyFormModel {
  account: string
  contact_name: string
  contact_mobile: string
  contact_email: string
  merchant_name: string
  mcc_code: string
  rate: string
  sign_and_auth: boolean
  business_license_no: string
  business_license_mobile: string
  long_term: boolean
  date_limitation: string
  shop_name: string
  /** [province, city, district] codes. */
  region: string[]
  detail_address: string
  longitude: string
  latitude: string
  remark: string
}

export interface ImageSlot {
  /** A newly chosen file (replaces any stored image). */
  file: File | null
  /** Preview URL (object URL of the new file or of the stored image). */
  preview: string
  /** The original order holds this image and it is kept unless replaced. */
  stored: boolean
}

export function emptyForm(): ApplyFormModel {
  return {
    account: '',
    contact_name: '',
    contact_mobile: '',
    contact_email: '',
    merchant_name: '',
    mcc_code: '',
    rate: '0.38',
    sign_and_auth: false,
    business_license_no: '',
    business_license_mobile: '',
    long_term: false,
    date_limitation: '',
    shop_name: '',
    region: [],
    detail_address: '',
    longitude: '',
    latitude: '',
    remark: '',
  }
}

const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v))

/** Pre-fill from an order (edit, re-apply). */
export function formFromOrder(order: FacetofaceOrder): ApplyFormModel {
  const a: ShopAddress = order.shop_address ?? {}
  return {
    account: s(order.account),
    contact_name: s(order.contact_name),
    contact_mobile: s(order.contact_mobile),
    contact_email: s(order.contact_email),
    merchant_name: s(order.merchant_name),
    mcc_code: s(order.mcc_code),
    rate: s(order.rate),
    sign_and_auth: Boolean(order.sign_and_auth),
    business_license_no: s(order.business_license_no),
    business_license_mobile: s(order.business_license_mobile),
    long_term: Boolean(order.long_term),
    date_limitation: s(order.date_limitation),
    shop_name: s(order.shop_name),
    region: [a.province_code, a.city_code, a.district_code].filter((c): c is string => Boolean(c)).map(String),
    detail_address: s(a.detail_address),
    longitude: s(a.longitude),
    latitude: s(a.latitude),
    remark: s(order.remark),
  }
}

export function emptySlots(): Record<ImageField, ImageSlot> {
  return Object.fromEntries(IMAGE_FIELDS.map((f) => [f, { file: null, preview: '', stored: false }])) as Record<
    ImageField,
    ImageSlot
  >
}

export function slotsFromOrder(order: FacetofaceOrder | null): Record<ImageField, ImageSlot> {
  const slots = emptySlots()
  if (order) for (const f of storedImageFields(order)) slots[f].stored = true
  return slots
}

/** The shop address object, or null when nothing of it was entered. */
export function shopAddressOf(form: ApplyFormModel): ShopAddress | null {
  const [province, city, district] = form.region
  const any = form.region.length > 0 || form.detail_address.trim() || form.longitude.trim() || form.latitude.trim()
  if (!any) return null
  const address: ShopAddress = { country_code: CHINA }
  if (province) address.province_code = province
  if (city) address.city_code = city
  if (district) address.district_code = district
  if (form.detail_address.trim()) address.detail_address = form.detail_address.trim()
  if (form.longitude.trim()) address.longitude = form.longitude.trim()
  if (form.latitude.trim()) address.latitude = form.latitude.trim()
  return address
}

/**
 * The request body. Apply sends every given field; edit and re-apply also send cleared
 * optional fields as blank so the server clears them. Only new files travel; stored images
 * are kept by the server unless replaced.
 */
export function toPayload(form: ApplyFormModel, slots: Record<ImageField, ImageSlot>, mode: DialogMode): ApplyPayload {
  const trim = (v: string) => v.trim()
  const optional = (v: string) => (mode === 'apply' ? trim(v) || undefined : trim(v))
  const images: ApplyImages = {}
  for (const f of IMAGE_FIELDS) {
    const file = slots[f].file
    if (file) images[f] = file
  }
  const licence = trim(form.business_license_no) !== ''
  return {
    fields: {
      account: trim(form.account),
      contact_name: trim(form.contact_name),
      contact_mobile: trim(form.contact_mobile),
      contact_email: optional(form.contact_email),
      merchant_name: optional(form.merchant_name),
      mcc_code: trim(form.mcc_code),
      rate: optional(form.rate),
      sign_and_auth: form.sign_and_auth,
      business_license_no: optional(form.business_license_no.toUpperCase()),
      business_license_mobile: optional(form.business_license_mobile),
      long_term: licence ? form.long_term : undefined,
      date_limitation: form.long_term ? (mode === 'apply' ? undefined : '') : optional(form.date_limitation),
      shop_name: optional(form.shop_name),
      shop_address: shopAddressOf(form) ?? undefined,
      remark: optional(form.remark),
    },
    images,
  }
}

/** Server field names → form item props (`shop_address.x` lands on its input). */
export function formPropOfServerField(field: string): string {
  const map: Record<string, string> = {
    'shop_address.province_code': 'region',
    'shop_address.city_code': 'region',
    'shop_address.district_code': 'region',
    'shop_address.country_code': 'region',
    'shop_address.detail_address': 'detail_address',
    'shop_address.longitude': 'longitude',
    'shop_address.latitude': 'latitude',
    shop_address: 'detail_address',
    long_term: 'date_limitation',
  }
  return map[field] ?? field
}

/** Server field errors keyed by form prop (first reason wins). */
export function mapServerErrors(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [field, reason] of Object.entries(errors)) {
    const prop = formPropOfServerField(field)
    if (!(prop in out)) out[prop] = reason
  }
  return out
}

export function snapshot(form: ApplyFormModel, slots: Record<ImageField, ImageSlot>): string {
  return JSON.stringify([form, IMAGE_FIELDS.map((f) => [slots[f].file?.name ?? null, slots[f].file?.size ?? 0])])
}
