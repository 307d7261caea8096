// Orders and events in the API's real shapes (crates/api/src/facetoface/dto.rs): complete
// objects, so a shape change in the client's types breaks the tests that use them.
import type { FacetofaceEvent, FacetofaceOrder } from '@/api/module_payment/facetoface'

/** A detail answer (`GET /{id}`): every field, `images` included. */
export function orderData(overrides: Partial<FacetofaceOrder> = {}): FacetofaceOrder {
  return {
    id: 1,
    uuid: '0b1e5c1e-8d7e-4d1c-9f1e-3f7c2a9b6d10',
    version: 1,
    description: null,
    created_time: '2026-11-26 10:00:00',
    updated_time: '2026-11-26 10:00:02',
    created_id: 1,
    updated_id: 1,
    order_status: 'SUBMITTED',
    closed_reason: null,
    account: 'shop@example.com',
    contact_name: '张三',
    contact_mobile: '13800138000',
    contact_email: null,
    merchant_name: null,
    mcc_code: 'A0001_B0199',
    rate: '0.38',
    sign_and_auth: false,
    business_license_no: null,
    business_license_mobile: null,
    long_term: null,
    date_limitation: null,
    shop_name: null,
    shop_address: null,
    remark: null,
    images: [],
    batch_no: '2026112600502000000000000001',
    order_no: null,
    alipay_order_status: null,
    needs_correction: false,
    confirm_url: null,
    merchant_pid: null,
    has_app_auth_token: false,
    reject_reason: null,
    restrict_infos: [],
    product_status: null,
    product_reject_reason: null,
    submit_step: 'confirmed',
    batch_created_time: '2026-11-26 10:00:01',
    confirmed_time: '2026-11-26 10:00:02',
    merchant_confirm_time: null,
    last_error: null,
    last_query_time: null,
    next_query_time: null,
    query_count: 0,
    polling_stopped_time: null,
    polling_stopped_reason: null,
    superseded_by: null,
    reapplied_from: null,
    ...overrides,
  }
}

/** A list item (`GET /`): as the detail, masked, without `images`. */
export function listedOrder(overrides: Partial<FacetofaceOrder> = {}): FacetofaceOrder {
  const { images: _images, ...rest } = orderData({ contact_mobile: '138****8000', ...overrides })
  return rest
}

/** An image entry of the detail. */
export function image(field: string, size = 6000, content_type = 'image/png') {
  return { field, content_type, size }
}

type Ev<K extends FacetofaceEvent['kind']> = Extract<FacetofaceEvent, { kind: K }>

/** An event of a kind with its fields (time and actor defaulted). */
export function event<K extends FacetofaceEvent['kind']>(
  kind: K,
  fields: Omit<Ev<K>, 'kind' | 'time' | 'actor'> & Partial<Pick<Ev<K>, 'time' | 'actor'>>,
): FacetofaceEvent {
  return { time: '2026-11-26 10:00:00', actor: { type: 'system' }, kind, ...fields } as FacetofaceEvent
}
