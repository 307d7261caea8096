import { describe, expect, it } from 'vitest'
import { actionApplies, rowActions, splitActions, type RowAction } from '@/views/module_payment/facetoface/actions'
import { FacetofacePerm, hasPermission } from '@/utils/permission'

const ALL = Object.values(FacetofacePerm)
const can = (owned: string[]) => (perm: string) => hasPermission(owned, perm)

describe('row actions by state (all permissions)', () => {
  const cases: [string, Record<string, unknown>, RowAction[]][] = [
    ['INIT, nothing sent', { order_status: 'INIT', submit_step: 'signed' }, ['detail', 'edit', 'resume', 'cancel']],
    ['INIT, confirm sent', { order_status: 'INIT', submit_step: 'confirm_sent' }, ['detail', 'refresh', 'edit', 'resume', 'cancel']],
    ['SUBMITTED', { order_status: 'SUBMITTED' }, ['detail', 'refresh']],
    ['SUBMITTED needing correction', { order_status: 'SUBMITTED', needs_correction: true }, ['detail', 'refresh', 'reapply']],
    ['MERCHANT_AUDITING', { order_status: 'MERCHANT_AUDITING' }, ['detail', 'refresh']],
    ['MERCHANT_CONFIRM', { order_status: 'MERCHANT_CONFIRM' }, ['detail', 'refresh']],
    ['SUCCESS', { order_status: 'SUCCESS' }, ['detail']],
    ['CLOSED', { order_status: 'CLOSED' }, ['detail', 'reapply']],
    ['CLOSED, superseded', { order_status: 'CLOSED', superseded_by: 12 }, ['detail']],
    ['unknown status', { order_status: 'WHATEVER' }, ['detail']],
  ]
  for (const [name, row, expected] of cases) {
    it(name, () => {
      expect(rowActions(row as never, can(ALL))).toEqual(expected)
    })
  }
})

describe('row actions by permission', () => {
  const init = { order_status: 'INIT', submit_step: 'confirm_sent' } as const
  it('viewer (query, detail) sees only 详情', () => {
    expect(rowActions(init, can([FacetofacePerm.query, FacetofacePerm.detail]))).toEqual(['detail'])
  })
  it('without detail there is no 详情', () => {
    expect(rowActions({ order_status: 'SUCCESS' }, can([FacetofacePerm.query]))).toEqual([])
  })
  it('apply gives edit/resume/re-apply; cancel and refresh have their own', () => {
    expect(rowActions(init, can([FacetofacePerm.apply]))).toEqual(['edit', 'resume'])
    expect(rowActions(init, can([FacetofacePerm.cancel]))).toEqual(['cancel'])
    expect(rowActions(init, can([FacetofacePerm.refresh]))).toEqual(['refresh'])
    expect(rowActions({ order_status: 'CLOSED' }, can([FacetofacePerm.apply]))).toEqual(['reapply'])
  })
  it('the wildcard passes everything', () => {
    expect(rowActions(init, can(['*:*:*']))).toEqual(['detail', 'refresh', 'edit', 'resume', 'cancel'])
  })
})

describe('more dropdown', () => {
  it('up to three inline', () => {
    expect(splitActions(['detail', 'refresh', 'reapply'])).toEqual({ inline: ['detail', 'refresh', 'reapply'], more: [] })
  })
  it('over three: two inline, the rest under 更多', () => {
    expect(splitActions(['detail', 'refresh', 'edit', 'resume', 'cancel'])).toEqual({
      inline: ['detail', 'refresh'],
      more: ['edit', 'resume', 'cancel'],
    })
  })
  it('cancel is only for INIT', () => {
    for (const s of ['SUBMITTED', 'MERCHANT_AUDITING', 'MERCHANT_CONFIRM', 'SUCCESS', 'CLOSED']) {
      expect(actionApplies('cancel', { order_status: s })).toBe(false)
    }
  })
})
