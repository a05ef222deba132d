import { existsSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ParqueDBError } from '@parquedb/mv-core'
import { defineConfig, type AuthToken, type ParqueDBConfig } from '../config.ts'
import type { Plugin } from '../plugin.ts'
import type { SchemaInput } from '../schema-types.ts'
import type { StorageConfig } from '../storage-config.ts'

/** The names `loadConfig` looks for, in this order. */
export const CONFIG_FILE_NAMES = ['parquedb.config.ts', 'parquedb.config.mts', 'parquedb.config.js', 'parquedb.config.mjs'] as const

/** A configuration with its defaults filled in, and where it came from. */
export interface LoadedConfig {
  /** The absolute path of the config file; undefined when there is none and defaults apply. */
  readonly file: string | undefined
  /** fs paths are absolute (resolved against the working directory). */
  readonly storage: StorageConfig
  readonly plugins: readonly Plugin[]
  readonly schema: SchemaInput
  /** The config's tokens, then `PARQUEDB_TOKEN` (one admin token) when it is set. */
  readonly tokens: readonly AuthToken[]
  readonly server: NonNullable<ParqueDBConfig['server']>
}

export const DEFAULT_STORAGE = Object.freeze({ type: 'fs', path: './data' } as const)

/** Finds the config file of a directory, if it has one. */
export function findConfigFile(cwd: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(cwd, name)
    if (existsSync(path)) return path
  }
  return undefined
}

/**
 * Loads `parquedb.config.{ts,mts,js,mjs}` from a directory (its default export, checked with
 * defineConfig) and fills the defaults: storage `{ type: 'fs', path: './data' }`, fs paths
 * resolved against that directory, `PARQUEDB_TOKEN` from the environment as an admin token.
 * Without a config file the defaults apply (`file` is undefined). Importing a `.ts` config
 * needs a TypeScript loader (the `parquedb` bin registers tsx).
 *
 * @example
 * const config = await loadConfig()
 * const db = DB(config.schema, { storage: config.storage, plugins: config.plugins })
 */
export async function loadConfig(cwd: string = process.cwd(), env: Readonly<Record<string, string | undefined>> = process.env): Promise<LoadedConfig> {
  const file = findConfigFile(cwd)
  const config = file === undefined ? defineConfig({}) : await importConfig(file)
  const tokens = [...(config.auth?.tokens ?? [])]
  const envToken = env.PARQUEDB_TOKEN
  if (envToken !== undefined && envToken !== '') {
    // The same rule defineConfig applies to tokens written in the file.
    if (envToken.length < 16) throw new ParqueDBError('SCHEMA', 'PARQUEDB_TOKEN: a token must be at least 16 characters')
    tokens.push({ token: envToken, scopes: ['admin'], name: 'PARQUEDB_TOKEN' })
  }
  return Object.freeze({
    file,
    storage: resolveStoragePath(config.storage ?? DEFAULT_STORAGE, cwd),
    plugins: config.plugins ?? [],
    schema: config.schema ?? {},
    tokens,
    server: config.server ?? {},
  })
}

async function importConfig(file: string): Promise<ParqueDBConfig> {
  let exported: unknown
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown }
    exported = module.default
    // A config compiled as CommonJS (a project without "type": "module") arrives as { default: config }.
    if (typeof exported === 'object' && exported !== null && 'default' in exported) exported = exported.default
  } catch (error) {
    throw new ParqueDBError('SCHEMA', `${file}: ${messageOf(error)}`, { file }, { cause: error })
  }
  if (exported === undefined) throw new ParqueDBError('SCHEMA', `${file}: no default export (expected export default defineConfig({ ... }))`, { file })
  try {
    return defineConfig(exported as ParqueDBConfig)
  } catch (error) {
    throw new ParqueDBError('SCHEMA', `${file}: ${messageOf(error)}`, { file }, { cause: error })
  }
}

function resolveStoragePath(storage: StorageConfig, cwd: string): StorageConfig {
  if ('type' in storage && storage.type === 'fs' && typeof storage.path === 'string' && !isAbsolute(storage.path)) {
    return { type: 'fs', path: resolve(cwd, storage.path) }
  }
  return storage
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/^\[parquedb\] /, '')
}
