import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'

vi.mock('@/utils/notify', () => ({
  notify: { success: vi.fn(), error: vi.fn(), warning: vi.fn() },
  confirmDanger: vi.fn(async () => true),
}))

import { installGuards, routes } from '@/router'
import { request } from '@/utils/request'
import { getToken, setToken } from '@/utils/auth'
import { envelope, mockHttp } from './helpers'

function me(permissions: string[]) {
  return envelope({ user: { id: 1, username: 'op', name: '操作员' }, tenant: { id: 1, code: 't1', name: '租户一' }, roles: ['operator'], permissions })
}

function makeRouter() {
  const router = createRouter({ history: createMemoryHistory(), routes })
  installGuards(router)
  return router
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})

describe('router guard', () => {
  it('without a token: login with a redirect back', async () => {
    mockHttp(() => me([]))
    const router = makeRouter()
    await router.push('/payment/facetoface?order_status=INIT')
    expect(router.currentRoute.value.path).toBe('/login')
    expect(router.currentRoute.value.query.redirect).toBe('/payment/facetoface?order_status=INIT')
  })

  it('with query permission: the list page', async () => {
    setToken('t')
    mockHttp(() => me(['module_payment:facetoface:query']))
    const router = makeRouter()
    await router.push('/payment/facetoface')
    expect(router.currentRoute.value.name).toBe('FacetofaceOrder')
  })

  it('without query permission: the not-found page at the same URL', async () => {
    setToken('t')
    mockHttp(() => me(['module_payment:facetoface:detail']))
    const router = makeRouter()
    await router.push('/payment/facetoface')
    expect(router.currentRoute.value.name).toBe('NotFound')
    expect(router.currentRoute.value.path).toBe('/payment/facetoface')
  })

  it('home goes to the first allowed page', async () => {
    setToken('t')
    mockHttp(() => me(['*:*:*']))
    const router = makeRouter()
    await router.push('/')
    expect(router.currentRoute.value.path).toBe('/payment/facetoface')
  })

  it('an expired token while loading the profile: back to login', async () => {
    setToken('expired')
    mockHttp(() => envelope(null, '登录已过期', 10401, 401))
    const router = makeRouter()
    await router.push('/payment/facetoface')
    expect(router.currentRoute.value.path).toBe('/login')
    expect(getToken()).toBe('')
  })

  it('a 401 on a later request clears the token and goes to login with a redirect', async () => {
    setToken('t')
    mockHttp(() => me(['*:*:*']))
    const router = makeRouter()
    await router.push('/payment/facetoface?page=2')
    mockHttp(() => envelope(null, '登录已过期', 10401, 401))
    await request({ method: 'get', url: '/payment/facetoface' }).catch(() => undefined)
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/login'))
    expect(router.currentRoute.value.query.redirect).toBe('/payment/facetoface?page=2')
    expect(getToken()).toBe('')
  })
})
