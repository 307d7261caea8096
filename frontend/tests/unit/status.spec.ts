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

describe("closed reason (the API's closed_reason)", () => {
  it('is null for other states', () => {
    expect(closedReason({ order_status: 'SUCCESS' })).toBeNull()
    expect(closedTooltip({ order_status: 'SUBMITTED' })).toBe('')
  })

  it('each value the API writes', () => {
    for (const reason of ['rejected', 'merchant_timeout', 'cancelled', 'superseded']) {
      expect(closedReason({ order_status: 'CLOSED', closed_reason: reason })).toBe(reason)
    }
    expect(closedTooltip({ order_status: 'CLOSED', closed_reason: 'merchant_timeout' })).toBe('商家超时未确认')
    expect(closedTooltip({ order_status: 'CLOSED', closed_reason: 'cancelled' })).toBe('已取消')
    expect(closedTooltip({ order_status: 'CLOSED', closed_reason: 'superseded' }, 'en')).toBe('Superseded by a re-application')
  })

  it("rejected, with Alipay's reject reason in the tooltip", () => {
    const o = { order_status: 'CLOSED', closed_reason: 'rejected', reject_reason: '营业执照模糊' }
    expect(closedTooltip(o)).toBe('驳回: 营业执照模糊')
    expect(closedTooltip(o, 'en')).toBe('Rejected: 营业执照模糊')
  })

  it('a value the client does not know (or none) reads as 已关闭', () => {
    expect(closedReason({ order_status: 'CLOSED', closed_reason: 'something_new' })).toBe('unknown')
    expect(closedReason({ order_status: 'CLOSED', closed_reason: null })).toBe('unknown')
    expect(closedTooltip({ order_status: 'CLOSED' })).toBe('已关闭')
  })
})
