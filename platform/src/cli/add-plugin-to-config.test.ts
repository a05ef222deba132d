import { describe, expect, it } from 'vitest'
import { addPluginToConfig } from './add-plugin-to-config.ts'
import { findIntegration } from './integrations.ts'

const tail = findIntegration('tail')!
const otel = findIntegration('otel')!

function edited(source: string, integration = otel): string {
  const edit = addPluginToConfig(source, integration)
  if (edit.kind !== 'edited') throw new Error(`expected an edit, got ${edit.kind}`)
  return edit.text
}

describe('addPluginToConfig', () => {
  it('writes a new config with defineConfig', () => {
    expect(addPluginToConfig(undefined, tail)).toEqual({
      kind: 'created',
      text: "import { defineConfig } from 'parquedb'\nimport { tail } from 'parquedb/tail'\n\nexport default defineConfig({\n  storage: { type: 'fs', path: './data' },\n  plugins: [tail()],\n})\n",
    })
  })

  it('adds to a one-line list and after the last import, in the file\'s style', () => {
    const source = 'import { defineConfig } from "parquedb";\nimport { tail } from "parquedb/tail";\n\nexport default defineConfig({ plugins: [tail()], server: { port: 9000 } });\n'
    expect(edited(source)).toBe(
      'import { defineConfig } from "parquedb";\nimport { tail } from "parquedb/tail";\nimport { otel } from "parquedb/otel";\n\nexport default defineConfig({ plugins: [tail(), otel()], server: { port: 9000 } });\n',
    )
  })

  it('adds a line to a list with one element per line, keeping comments and the trailing-comma habit', () => {
    const withComma = "import { defineConfig } from 'parquedb'\nimport { tail } from 'parquedb/tail'\n\nexport default defineConfig({\n  plugins: [\n    tail({ sample: [1, 2] }), // workers\n  ],\n})\n"
    expect(edited(withComma)).toBe(
      "import { defineConfig } from 'parquedb'\nimport { tail } from 'parquedb/tail'\nimport { otel } from 'parquedb/otel'\n\nexport default defineConfig({\n  plugins: [\n    tail({ sample: [1, 2] }), // workers\n    otel(),\n  ],\n})\n",
    )
    const withoutComma = "import {\n  defineConfig,\n} from 'parquedb'\nexport default defineConfig({\n  plugins: [\n    tail(),\n    mine('a]b')\n  ]\n})\n"
    expect(edited(withoutComma)).toBe(
      "import {\n  defineConfig,\n} from 'parquedb'\nimport { otel } from 'parquedb/otel'\nexport default defineConfig({\n  plugins: [\n    tail(),\n    mine('a]b'),\n    otel()\n  ]\n})\n",
    )
  })

  it('fills an empty list, and adds a plugins key to a config without one', () => {
    expect(edited("import { defineConfig } from 'parquedb'\nexport default defineConfig({ plugins: [] })\n")).toBe(
      "import { defineConfig } from 'parquedb'\nimport { otel } from 'parquedb/otel'\nexport default defineConfig({ plugins: [otel()] })\n",
    )
    expect(edited("import { defineConfig } from 'parquedb'\n\nexport default defineConfig({\n    storage: { type: 'fs', path: './data' },\n})\n")).toBe(
      "import { defineConfig } from 'parquedb'\nimport { otel } from 'parquedb/otel'\n\nexport default defineConfig({\n    plugins: [otel()],\n    storage: { type: 'fs', path: './data' },\n})\n",
    )
  })

  it('completes half an addition, and does nothing when both halves are there', () => {
    const callOnly = "import { defineConfig } from 'parquedb'\nexport default defineConfig({ plugins: [otel()] })\n"
    expect(edited(callOnly)).toBe("import { defineConfig } from 'parquedb'\nimport { otel } from 'parquedb/otel'\nexport default defineConfig({ plugins: [otel()] })\n")
    expect(addPluginToConfig(edited(callOnly), otel)).toEqual({ kind: 'present' })
    // A name that merely contains the factory's is not the call.
    expect(edited("import { otel } from 'parquedb/otel'\nexport default defineConfig({ plugins: [myotel()] })\n")).toContain('plugins: [myotel(), otel()]')
  })

  it('leaves what it cannot parse alone and says what to add', () => {
    for (const source of ["import config from './base.js'\nexport default config\n", 'export default defineConfig({ plugins: [tail() })\n', 'export default defineConfig({ plugins })\n']) {
      const edit = addPluginToConfig(source, otel)
      expect(edit.kind).toBe('manual')
      expect(edit).toMatchObject({ instructions: expect.stringContaining('plugins: [otel()],') })
    }
  })
})
