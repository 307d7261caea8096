// Component tests of the list page with the API mocked.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { FacetofaceOrder, FacetofaceQuery } from '@/api/module_payment/facetoface'
import { listedOrder } from './fixtures'

vi.mock('@/utils/notify', () => ({
  notify: { success: vi.fn(), error: vi.fn(), warning: vi.fn() },
  confirmDanger: vi.fn(async () => true),
}))

const api = vi.hoisted(() => ({
  list: vi.fn(),
  options: vi.fn(),
  export: vi.fn(),
  apply: vi.fn(),
  detail: vi.fn(),
  update: vi.fn(),
  image: vi.fn(),
  events: vi.fn(),
  query: vi.fn(),
  resume: vi.fn(),
  cancel: vi.fn(),
  reapply: vi.fn(),
}))
vi.mock('@/api/module_payment/facetoface', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api/module_payment/facetoface')>()
  return { ...real, FacetofaceAPI: api, default: api }
})

import Page from '@/views/module_payment/facetoface/index.vue'
import { i18n } from '@/i18n'
import { hasPerm } from '@/directives/hasPerm'
import { useUserStore } from '@/store/user'
import { confirmDanger } from '@/utils/notify'

function row(id: number, extra: Partial<FacetofaceOrder> = {}): FacetofaceOrder {
  return listedOrder({
    id,
    order_status: 'SUBMITTED',
    batch_no: `B${id}`,
    order_no: null,
    merchant_name: `商户${id}`,
    shop_name: '',
    query_count: 2,
    created_id: 1,
    ...extra,
  })
}

function page(items: FacetofaceOrder[], total = items.length, page_no = 1, page_size = 10) {
  return { page_no, page_size, total, has_next: page_no * page_size < total, items }
}

function mountPage(perms: string[]) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useUserStore().profile = { user: { id: 3, username: 'op' }, tenant: { id: 1, code: 't1', name: 'T' }, roles: [], permissions: perms }
  return mount(Page, { global: { plugins: [pinia, i18n], directives: { hasPerm } }, attachTo: document.body })
}

const ALL = ['*:*:*']
const lastQuery = (): FacetofaceQuery => api.list.mock.calls.at(-1)![0]

beforeEach(() => {
  vi.clearAllMocks()
  localStorage.clear()
  document.body.innerHTML = ''
})

describe('facetoface list page', () => {
  it('is named like its route (keep-alive)', () => {
    expect((Page as { name?: string }).name).toBe('FacetofaceOrder')
  })

  it('loads page 1 of 10 and renders status tags, 需修正, rate, blanks', async () => {
    api.list.mockResolvedValue(
      page([
        row(1, { order_status: 'MERCHANT_CONFIRM', confirm_url: 'https://example.com/c' }),
        row(2, { needs_correction: true }),
        row(3, { order_status: 'CLOSED', closed_reason: 'merchant_timeout', alipay_order_status: 'MERCHANT_CONFIRM_TIME_OUT', created_id: 3 }),
        row(4, { order_status: 'ODD_NEW_STATE' }),
      ]),
    )
    const w = mountPage(ALL)
    await flushPromises()
    expect(api.list).toHaveBeenCalledTimes(1)
    expect(lastQuery()).toMatchObject({ page_no: 1, page_size: 10 })
    const tags = w.findAll('[data-test="status-tag"]').map((t) => t.text())
    expect(tags).toEqual(['待商家确认', '已提交', '已关闭', 'ODD_NEW_STATE'])
    expect(w.findAll('[data-test="needs-correction"]').map((t) => t.text())).toEqual(['需修正'])
    expect(w.findAll('[data-test="confirm-link"]')).toHaveLength(1)
    const text = w.text()
    expect(text).toContain('0.38%')
    expect(text).toContain('2026-11-26 10:00:00')
    // 创建人 from created_id: the logged-in user (id 3, "op") by name, others by id.
    expect(text).toContain('用户 #1')
    expect(text).toContain('op')
    expect(w.find('[data-test="status-tag"][data-tip="商家超时未确认"]').exists()).toBe(true)
    w.unmount()
  })

  it('a superseded row links to its successor; the link and the 商家确认 icon open the detail', async () => {
    api.list.mockResolvedValue(
      page([
        row(1, { order_status: 'CLOSED', closed_reason: 'superseded', superseded_by: 9 }),
        row(2, { order_status: 'MERCHANT_CONFIRM', confirm_url: 'https://example.com/c' }),
      ]),
    )
    api.detail.mockResolvedValue(listedOrder({ id: 9 }))
    api.events.mockResolvedValue([])
    api.options.mockResolvedValue({ version: '', mcc: [], regions: [], statuses: [] })
    const w = mountPage(ALL)
    await flushPromises()
    const link = w.find('[data-test="superseded-link"]')
    expect(link.text()).toBe('→ #9')
    expect(w.find('[data-test="status-tag"]').attributes('data-tip')).toBe('已被重新申请取代')
    await link.trigger('click')
    await vi.waitFor(() => expect(api.detail).toHaveBeenCalledWith(9))
    await w.find('[data-test="confirm-link"]').trigger('click')
    await vi.waitFor(() => expect(api.detail).toHaveBeenCalledWith(2))
    // Long text cells carry their text as an overflow-only tip.
    expect(w.find('[data-test="row"] [data-tip-overflow][data-tip="B1"]').exists()).toBe(true)
    w.unmount()
  })

  it('shows 暂无数据 when empty', async () => {
    api.list.mockResolvedValue(page([]))
    const w = mountPage(ALL)
    await flushPromises()
    expect(w.text()).toContain('暂无数据')
    w.unmount()
  })

  it('toolbar and row buttons follow permissions and state', async () => {
    api.list.mockResolvedValue(page([row(1, { order_status: 'INIT', submit_step: 'signed' })]))
    const viewer = mountPage(['module_payment:facetoface:query', 'module_payment:facetoface:detail'])
    await flushPromises()
    expect(viewer.find('[data-test="apply-btn"]').exists()).toBe(false)
    expect(viewer.find('[data-test="export-btn"]').exists()).toBe(false)
    expect(viewer.findAll('[data-test^="action-"]').map((b) => b.attributes('data-test'))).toEqual(['action-detail'])
    viewer.unmount()

    const admin = mountPage(ALL)
    await flushPromises()
    expect(admin.find('[data-test="apply-btn"]').exists()).toBe(true)
    expect(admin.find('[data-test="export-btn"]').exists()).toBe(true)
    // INIT: detail, edit, resume, cancel → two inline and 更多.
    const inline = admin.findAll('.row-actions > [data-test^="action-"]')
    expect(inline.length).toBeGreaterThan(0)
    expect(admin.find('[data-test="action-detail"]').exists()).toBe(true)
    expect(admin.find('[data-test="action-edit"]').exists()).toBe(true)
    expect(admin.find('[data-test="action-more"]').exists()).toBe(true)
    admin.unmount()
  })

  it('index is continuous across pages', async () => {
    api.list.mockResolvedValue(page([row(11), row(12)], 12, 2))
    const w = mountPage(ALL)
    await flushPromises()
    ;(w.vm as unknown as { query: { page_no: number } }).query.page_no = 2
    await (w.vm as unknown as { load: () => Promise<void> }).load()
    await flushPromises()
    const cells = w.findAll('[data-test="row"] td:first-child').map((c) => c.text())
    expect(cells.slice(0, 2)).toEqual(['11', '12'])
    w.unmount()
  })

  it('搜索 sends trimmed filters from page 1; empty ones stay out; 重置 clears', async () => {
    api.list.mockResolvedValue(page([row(1)], 30))
    const w = mountPage(ALL)
    await flushPromises()
    ;(w.vm as unknown as { query: { page_no: number } }).query.page_no = 3
    await w.find('input[data-test="search-merchant"]').setValue('  张三  ')
    await w.find('[data-test="search-btn"]').trigger('click')
    await flushPromises()
    expect(lastQuery()).toMatchObject({ page_no: 1, merchant_name: '张三' })
    expect(lastQuery().order_status).toBeUndefined()
    expect(lastQuery().created_time).toBeUndefined()

    await w.find('[data-test="reset-btn"]').trigger('click')
    await flushPromises()
    expect(lastQuery().merchant_name).toBeUndefined()
    w.unmount()
  })

  it('Enter in a field searches', async () => {
    api.list.mockResolvedValue(page([]))
    const w = mountPage(ALL)
    await flushPromises()
    const input = w.find('input[data-test="search-merchant"]')
    await input.setValue('李四')
    await input.trigger('keyup', { key: 'Enter' })
    await flushPromises()
    expect(lastQuery()).toMatchObject({ merchant_name: '李四', page_no: 1 })
    w.unmount()
  })

  it('refresh keeps filters and page', async () => {
    api.list.mockResolvedValue(page([row(1)], 30))
    const w = mountPage(ALL)
    await flushPromises()
    await w.find('input[data-test="search-merchant"]').setValue('王')
    await w.find('[data-test="search-btn"]').trigger('click')
    await flushPromises()
    ;(w.vm as unknown as { query: { page_no: number } }).query.page_no = 2
    await w.find('[data-test="refresh-btn"]').trigger('click')
    await flushPromises()
    expect(lastQuery()).toMatchObject({ page_no: 2, merchant_name: '王' })
    w.unmount()
  })

  it('changing the page size goes back to page 1', async () => {
    api.list.mockResolvedValue(page([row(1)], 300))
    const w = mountPage(ALL)
    await flushPromises()
    ;(w.vm as unknown as { query: { page_no: number } }).query.page_no = 4
    const pagination = w.findComponent({ name: 'ElPagination' })
    pagination.vm.$emit('update:page-size', 50)
    pagination.vm.$emit('size-change', 50)
    await flushPromises()
    expect(lastQuery()).toMatchObject({ page_no: 1, page_size: 50 })
    w.unmount()
  })

  it('steps back one page when the last page came back empty', async () => {
    api.list.mockResolvedValueOnce(page([row(1)], 11)) // initial
    const w = mountPage(ALL)
    await flushPromises()
    api.list.mockResolvedValueOnce(page([], 10, 2)).mockResolvedValueOnce(page([row(1)], 10, 1))
    ;(w.vm as unknown as { query: { page_no: number } }).query.page_no = 2
    await (w.vm as unknown as { load: () => Promise<void> }).load()
    await flushPromises()
    expect(api.list.mock.calls.map((c) => (c[0] as FacetofaceQuery).page_no)).toEqual([1, 2, 1])
    expect((w.vm as unknown as { rows: FacetofaceOrder[] }).rows).toHaveLength(1)
    w.unmount()
  })

  it('cancel asks first, then cancels and reloads', async () => {
    api.list.mockResolvedValue(page([row(1, { order_status: 'INIT' })]))
    api.cancel.mockResolvedValue(row(1, { order_status: 'CLOSED' }))
    const w = mountPage(['module_payment:facetoface:query', 'module_payment:facetoface:cancel'])
    await flushPromises()
    await w.find('[data-test="action-cancel"]').trigger('click')
    await flushPromises()
    expect(confirmDanger).toHaveBeenCalledTimes(1)
    expect(api.cancel).toHaveBeenCalledWith(1)
    expect(api.list).toHaveBeenCalledTimes(2)

    vi.mocked(confirmDanger).mockResolvedValueOnce(false)
    await w.find('[data-test="action-cancel"]').trigger('click')
    await flushPromises()
    expect(api.cancel).toHaveBeenCalledTimes(1)
    w.unmount()
  })

  it('refresh status calls the query route and reloads', async () => {
    api.list.mockResolvedValue(page([row(1, { order_status: 'MERCHANT_AUDITING' })]))
    api.query.mockResolvedValue(row(1))
    const w = mountPage(ALL)
    await flushPromises()
    await w.find('[data-test="action-refresh"]').trigger('click')
    await flushPromises()
    expect(api.query).toHaveBeenCalledWith(1)
    expect(api.list).toHaveBeenCalledTimes(2)
    w.unmount()
  })

  it('column settings hide columns and persist per user', async () => {
    api.list.mockResolvedValue(page([row(1)]))
    const w = mountPage(ALL)
    await flushPromises()
    const headers = () => w.findAll('[data-test="table"] th').map((h) => h.text())
    expect(headers()).toContain('批次号')
    const vm = w.vm as unknown as Record<string, unknown>
    void vm
    const group = w.findComponent({ name: 'ElCheckboxGroup' })
    group.vm.$emit('update:modelValue', ['order_status', 'merchant_name'])
    group.vm.$emit('change', ['order_status', 'merchant_name'])
    await flushPromises()
    expect(headers()).not.toContain('批次号')
    expect(JSON.parse(localStorage.getItem('xjz_columns:t1:3:payment/facetoface')!)).toEqual(['order_status', 'merchant_name'])
    w.unmount()
  })
  it('更多 opens one shared menu with the remaining actions; choosing one runs it', async () => {
    api.list.mockResolvedValue(page([row(1, { order_status: 'INIT', submit_step: 'signed' }), row(2, { order_status: 'INIT', submit_step: 'signed' })]))
    api.cancel.mockResolvedValue(row(2, { order_status: 'CLOSED' }))
    const w = mountPage(ALL)
    await flushPromises()
    const mores = w.findAll('[data-test="action-more"]')
    expect(mores).toHaveLength(2)
    await mores[1]!.trigger('click')
    await flushPromises()
    const menu = document.querySelector('[data-test="more-menu"]')!
    expect([...menu.querySelectorAll('[data-test^="action-"]')].map((b) => b.getAttribute('data-test'))).toEqual([
      'action-resume',
      'action-cancel',
    ])
    menu.querySelector<HTMLButtonElement>('[data-test="action-cancel"]')!.click()
    await flushPromises()
    expect(confirmDanger).toHaveBeenCalledTimes(1)
    expect(api.cancel).toHaveBeenCalledWith(2)
    w.unmount()
  })
})
