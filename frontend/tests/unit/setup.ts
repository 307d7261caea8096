// jsdom lacks a few browser APIs Element Plus touches.
import { vi } from 'vitest'

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver

if (!URL.createObjectURL) URL.createObjectURL = vi.fn(() => 'blob:mock')
if (!URL.revokeObjectURL) URL.revokeObjectURL = vi.fn()

window.scrollTo = vi.fn() as unknown as typeof window.scrollTo
