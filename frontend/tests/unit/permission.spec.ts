import { beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h, withDirectives } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { hasPerm } from '@/directives/hasPerm'
import { useUserStore } from '@/store/user'
import { grants, hasPermission } from '@/utils/permission'

describe('hasPermission', () => {
  it('one string or a list, any suffices', () => {
    expect(hasPermission(['a:b:c'], 'a:b:c')).toBe(true)
    expect(hasPermission(['a:b:c'], 'a:b:d')).toBe(false)
    expect(hasPermission(['a:b:c'], ['x', 'a:b:c'])).toBe(true)
    expect(hasPermission(['a:b:c'], ['x', 'y'])).toBe(false)
  })
  it('the wildcard passes everything', () => {
    expect(hasPermission(['*:*:*'], 'anything:at:all')).toBe(true)
  })
  it('an empty requirement grants nothing', () => {
    expect(hasPermission(['*:*:*'], [])).toBe(false)
  })
  it('a * segment matches any segment, as the server decides (same segment count)', () => {
    expect(hasPermission(['module_payment:*:*'], 'module_payment:facetoface:query')).toBe(true)
    expect(hasPermission(['module_payment:facetoface:*'], 'module_payment:facetoface:apply')).toBe(true)
    expect(hasPermission(['system:*:*'], 'module_payment:facetoface:query')).toBe(false)
    expect(hasPermission(['*:*'], 'module_payment:facetoface:query')).toBe(false)
    expect(grants('module_payment:facetoface:query', 'module_payment:facetoface:query')).toBe(true)
    expect(grants('module_payment:facetoface:query', 'module_payment:facetoface:apply')).toBe(false)
  })
})

function mountWith(perms: string[], value: string | string[]) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const store = useUserStore()
  store.profile = { user: { id: 1, username: 'u' }, tenant: { id: 1, code: 'demo', name: '演示' }, roles: [], permissions: perms }
  const Comp = defineComponent({
    render: () => h('div', [withDirectives(h('button', { id: 'guarded' }, 'x'), [[hasPerm, value]]), h('span', { id: 'other' })]),
  })
  return mount(Comp, { global: { plugins: [pinia] } })
}

describe('v-hasPerm', () => {
  beforeEach(() => localStorage.clear())

  it('keeps the element when permitted', () => {
    expect(mountWith(['m:f:apply'], 'm:f:apply').find('#guarded').exists()).toBe(true)
  })
  it('removes the element (not disables) when not permitted', () => {
    const w = mountWith(['m:f:query'], 'm:f:apply')
    expect(w.find('#guarded').exists()).toBe(false)
    expect(w.find('#other').exists()).toBe(true)
  })
  it('a list: any one suffices', () => {
    expect(mountWith(['m:f:export'], ['m:f:apply', 'm:f:export']).find('#guarded').exists()).toBe(true)
    expect(mountWith(['m:f:query'], ['m:f:apply', 'm:f:export']).find('#guarded').exists()).toBe(false)
  })
  it('*:*:* and segment wildcards pass', () => {
    expect(mountWith(['*:*:*'], 'm:f:apply').find('#guarded').exists()).toBe(true)
    expect(mountWith(['m:*:*'], 'm:f:apply').find('#guarded').exists()).toBe(true)
  })
})
