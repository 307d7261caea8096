import { describe, expect, it } from 'vitest'
import {
  closedReason,
  closedTooltip,
  ORDER_STATUSES,
  STATUS_META,
  statusOptions,
  statusView,
} from '@/api/module_payment/facetoface'

describe('status mapping', () => {
  it('matches FRONTEND.md: label and tag per status', () => {
    expect(
      Object.fromEntries(ORDER_STATUSES.map((s) => [s, [STATUS_META[s].zh, STATUS_META[s].type, STATUS_META[s].effect]])),
    ).toEqual({
      INIT: ['待提交', 'info', 'light'],
      SUBMITTED: ['已提交', 'primary', 'light'],
      MERCHANT_AUDITING: ['审核中', 'warning', 'light'],
      MERCHANT_CONFIRM: ['待商家确认', 'warning', 'dark'],
      SUCCESS: ['已开通', 'success', 'light'],
      CLOSED: ['已关闭', 'danger', 'light'],
    })
  })

  it('has an English label for every status', () => {
    for (const s of ORDER_STATUSES) expect(statusView(s, 'en').label).toBe(STATUS_META[s].en)
    expect(statusView('SUCCESS', 'en').label).toBe('Active')
  })

  it('shows unknown raw values as they are, grey', () => {
    expect(statusView('MERCHANT_SOMETHING_NEW')).toEqual({ label: 'MERCHANT_SOMETHING_NEW', type: 'info', effect: 'plain', known: false })
    expect(statusView(null).label).toBe('-')
  })

  it('feeds the search select in order', () => {
    expect(statusOptions().map((o) => o.value)).toEqual([...ORDER_STATUSES])
    expect(statusOptions('zh-CN')[0]).toEqual({ value: 'INIT', label: '待提交' })
  })
})

describe('closed reason', () => {
  it('is null for other states', () => {
    expect(closedReason({ order_status: 'SUCCESS' })).toBeNull()
    expect(closedTooltip({ order_status: 'SUBMITTED' })).toBe('')
  })

  it('superseded wins', () => {
    expect(closedReason({ order_status: 'CLOSED', superseded_by: 9, reject_reason: 'x' })).toBe('superseded')
  })

  it('timeout from MERCHANT_CONFIRM_TIME_OUT', () => {
    expect(closedReason({ order_status: 'CLOSED', alipay_order_status: 'MERCHANT_CONFIRM_TIME_OUT' })).toBe('timeout')
    expect(closedTooltip({ order_status: 'CLOSED', alipay_order_status: 'MERCHANT_CONFIRM_TIME_OUT' })).toBe('商家超时未确认')
  })

  it('rejected from Alipay cancel or a reject reason, with the reason in the tooltip', () => {
    const o = { order_status: 'CLOSED', alipay_order_status: 'MERCHANT_APPLY_ORDER_CANCELED', reject_reason: '营业执照模糊' }
    expect(closedReason(o)).toBe('rejected')
    expect(closedTooltip(o)).toBe('驳回: 营业执照模糊')
    expect(closedTooltip(o, 'en')).toBe('Rejected: 营业执照模糊')
    expect(closedReason({ order_status: 'CLOSED', alipay_order_status: 'MERCHANT_APPLY_ORDER_CANCELED' })).toBe('rejected')
  })

  it('cancelled: closed locally without an Alipay status', () => {
    expect(closedReason({ order_status: 'CLOSED' })).toBe('cancelled')
    expect(closedTooltip({ order_status: 'CLOSED' })).toBe('已取消')
  })
})
