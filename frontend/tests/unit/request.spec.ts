import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/utils/notify', () => ({
  notify: { success: vi.fn(), error: vi.fn(), warning: vi.fn() },
  confirmDanger: vi.fn(async () => true),
}))

import { notify } from '@/utils/notify'
import { ApiError, buildQuery, ErrorCode, request, requestBlob, setUnauthorizedHandler } from '@/utils/request'
import { getToken, setToken } from '@/utils/auth'
import { envelope, mockHttp } from './helpers'

beforeEach(() => {
  vi.mocked(notify.success).mockClear()
  vi.mocked(notify.error).mockClear()
  localStorage.clear()
})

describe('buildQuery', () => {
  it('leaves out empty values and trims strings', () => {
    expect(buildQuery({ a: '', b: undefined, c: null, d: '  x ', e: '   ', f: 0, g: false })).toBe('d=x&f=0&g=false')
  })

  it('sends a range as the same key twice', () => {
    expect(buildQuery({ created_time: ['2026-01-01 00:00:00', '2026-01-31 23:59:59'] })).toBe(
      'created_time=2026-01-01+00%3A00%3A00&created_time=2026-01-31+23%3A59%3A59',
    )
  })

  it('leaves out an empty list', () => {
    expect(buildQuery({ created_time: [], page_no: 1 })).toBe('page_no=1')
  })

  it('encodes non-ASCII filters', () => {
    expect(new URLSearchParams(buildQuery({ merchant_name: '张三 餐饮' })).get('merchant_name')).toBe('张三 餐饮')
  })

  it('returns nothing for nothing', () => {
    expect(buildQuery(undefined)).toBe('')
    expect(buildQuery({})).toBe('')
  })
})

describe('request', () => {
  it('resolves with data on code 0 and sends the bearer token', async () => {
    setToken('tok-1')
    const calls = mockHttp(() => envelope({ x: 1 }, '查询成功'))
    await expect(request({ method: 'get', url: '/thing' })).resolves.toEqual({ x: 1 })
    expect(calls[0]!.headers.authorization).toBe('Bearer tok-1')
    expect(calls[0]!.fullUrl).toBe('/api/v1/thing')
  })

  it('is silent on GET success and toasts msg on POST/PATCH/DELETE success', async () => {
    mockHttp(() => envelope(null, '已保存'))
    await request({ method: 'get', url: '/a' })
    expect(notify.success).not.toHaveBeenCalled()
    for (const method of ['post', 'patch', 'put', 'delete']) {
      await request({ method, url: '/a' })
    }
    expect(notify.success).toHaveBeenCalledTimes(4)
    expect(notify.success).toHaveBeenCalledWith('已保存')
  })

  it('a silent mutation still toasts its success (silent concerns failures)', async () => {
    mockHttp(() => envelope({ id: 1 }, '申请已提交'))
    await request({ method: 'post', url: '/apply', silent: true })
    expect(notify.success).toHaveBeenCalledWith('申请已提交')
  })

  it('no success toast when asked not to', async () => {
    mockHttp(() => envelope(null, '登录成功'))
    await request({ method: 'post', url: '/auth/login', successToast: false })
    expect(notify.success).not.toHaveBeenCalled()
  })

  it('rejects a non-zero code with an ApiError carrying msg and data, and toasts msg', async () => {
    mockHttp(() => envelope({ alipay: { code: '40004', sub_code: 'X', sub_msg: 'bad' } }, '支付宝拒绝', 10502, 502))
    const err = await request({ method: 'post', url: '/x' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    const e = err as ApiError
    expect(e.code).toBe(ErrorCode.ALIPAY_REFUSED)
    expect(e.httpStatus).toBe(502)
    expect(e.alipay).toEqual({ code: '40004', sub_code: 'X', sub_msg: 'bad' })
    expect(notify.error).toHaveBeenCalledWith('支付宝拒绝')
  })

  it('treats an error envelope on HTTP 200 as an error too', async () => {
    mockHttp(() => envelope(null, '冲突', 10409, 200))
    await expect(request({ method: 'get', url: '/x' })).rejects.toMatchObject({ code: 10409, msg: '冲突' })
  })

  it('exposes 10422 field errors by field, first reason each', async () => {
    mockHttp(() =>
      envelope(
        {
          errors: [
            { field: 'contact_mobile', reason: 'must be 11 digits' },
            { field: 'rate', reason: 'must be between 0.38 and 0.60' },
            { field: 'rate', reason: 'second' },
          ],
        },
        'contact_mobile: must be 11 digits',
        10422,
        422,
      ),
    )
    const e = (await request({ method: 'post', url: '/x' }).catch((x: unknown) => x)) as ApiError
    expect(e.code).toBe(ErrorCode.VALIDATION)
    expect(e.fieldErrors).toEqual({ contact_mobile: 'must be 11 digits', rate: 'must be between 0.38 and 0.60' })
    expect(notify.error).toHaveBeenCalledWith('contact_mobile: must be 11 digits')
  })

  it('says 暂无权限 on 10403', async () => {
    mockHttp(() => envelope(null, 'forbidden', 10403, 403))
    await expect(request({ method: 'get', url: '/x' })).rejects.toMatchObject({ code: 10403 })
    expect(notify.error).toHaveBeenCalledWith('暂无权限')
  })

  it('on 10401 clears the token and calls the unauthorized handler', async () => {
    setToken('old')
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    mockHttp(() => envelope(null, '登录已过期', 10401, 401))
    await expect(request({ method: 'get', url: '/x' })).rejects.toMatchObject({ code: 10401 })
    expect(getToken()).toBe('')
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('on a bare HTTP 401 without an envelope does the same', async () => {
    setToken('old')
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    mockHttp(() => ({ status: 401, body: 'Unauthorized' }))
    await expect(request({ method: 'get', url: '/x', silent: true })).rejects.toMatchObject({ code: 10401, httpStatus: 401 })
    expect(getToken()).toBe('')
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('names network failures and timeouts', async () => {
    mockHttp(() => ({ networkError: true }))
    await expect(request({ method: 'get', url: '/x' })).rejects.toMatchObject({ code: ErrorCode.NETWORK, msg: '网络连接异常' })
    expect(notify.error).toHaveBeenLastCalledWith('网络连接异常')
    mockHttp(() => ({ timeout: true }))
    await expect(request({ method: 'get', url: '/x' })).rejects.toMatchObject({ code: ErrorCode.TIMEOUT, msg: '请求超时，请稍后重试' })
    expect(notify.error).toHaveBeenLastCalledWith('请求超时，请稍后重试')
  })

  it('reports a non-envelope 2xx answer as an error', async () => {
    mockHttp(() => ({ status: 200, body: '<html>' }))
    await expect(request({ method: 'get', url: '/x' })).rejects.toBeInstanceOf(ApiError)
  })

  it('a silent request does not toast its failure', async () => {
    mockHttp(() => envelope(null, 'nope', 10409, 409))
    await expect(request({ method: 'post', url: '/x', silent: true })).rejects.toMatchObject({ code: 10409 })
    expect(notify.error).not.toHaveBeenCalled()
  })

  it('reads the error envelope out of a Blob answer (downloads)', async () => {
    const body = new Blob([JSON.stringify({ code: 10403, msg: 'no', data: null })], { type: 'application/json' })
    mockHttp(() => ({ status: 403, body }))
    await expect(requestBlob({ method: 'get', url: '/export' })).rejects.toMatchObject({ code: 10403 })
    expect(notify.error).toHaveBeenCalledWith('暂无权限')
  })
})
