// Gzipped JS of the first page (login → list page /payment/facetoface) from the production
// build's manifest: the entry with its static imports, plus the lazily loaded layout and
// list page with theirs. The apply dialog and detail drawer load on first use and are
// reported separately. Run after `npm run build`.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'))

function closure(keys) {
  const seen = new Set()
  const stack = [...keys]
  while (stack.length) {
    const key = stack.pop()
    if (seen.has(key)) continue
    const chunk = manifest[key]
    if (!chunk) throw new Error(`not in the manifest: ${key}`)
    seen.add(key)
    stack.push(...(chunk.imports ?? []))
  }
  return seen
}

function jsSize(keys) {
  let raw = 0
  let gz = 0
  for (const key of keys) {
    const file = manifest[key].file
    if (!file.endsWith('.js')) continue
    const bytes = readFileSync(join(dist, file))
    raw += bytes.length
    gz += gzipSync(bytes, { level: 9 }).length
  }
  return { raw, gz }
}

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)
const firstPage = closure([entry, 'src/layout/index.vue', 'src/views/module_payment/facetoface/index.vue'])
const login = closure([entry, 'src/views/login/index.vue'])
const dialog = [...closure(['src/views/module_payment/facetoface/components/ApplyDialog.vue'])].filter((k) => !firstPage.has(k))
const drawer = [...closure(['src/views/module_payment/facetoface/components/DetailDrawer.vue'])].filter((k) => !firstPage.has(k))
const all = Object.keys(manifest)

const kb = (n) => `${(n / 1024).toFixed(1)} KB`
const report = {
  'first page (list)': jsSize(firstPage),
  'login page': jsSize(login),
  'apply dialog (extra, on first use)': jsSize(dialog),
  'detail drawer (extra, on first use)': jsSize(drawer),
  'all JS': jsSize(all),
}
for (const [name, { raw, gz }] of Object.entries(report)) {
  console.log(`${name.padEnd(40)} ${kb(raw).padStart(10)} raw  ${kb(gz).padStart(10)} gzip`)
}
const LIMIT = 400 * 1024
if (report['first page (list)'].gz > LIMIT) {
  console.error(`first page gzipped JS ${kb(report['first page (list)'].gz)} exceeds 400 KB`)
  process.exit(1)
}
