import type { CollectionDefinition, DecimalValue } from '@parquedb/mv-core'

/**
 * Row types read from a schema's field strings, at compile time: `{ total: 'decimal(10,2)!' }`
 * gives rows whose `total` is a number. Optional fields may be null; forward relations hold
 * the related `$id`; reverse relations are not stored (they come back through `include`).
 */

type Digits15 = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '10' | '11' | '12' | '13' | '14' | '15'

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S

/** The field string without its '!' / '?' suffix or a default. */
type BaseOf<S extends string> = Trim<S> extends `${infer B}!` ? Trim<B> : Trim<S> extends `${infer B}?` ? Trim<B> : Trim<S> extends `${infer B}=${string}` ? Trim<B> : Trim<S>

type IsRequired<S extends string> = Trim<S> extends `${string}!` ? true : false

/** The value of one scalar kind as reads return it. */
export type ScalarValue<K extends string> = K extends 'string'
  ? string
  : K extends 'int' | 'float' | 'double'
    ? number
    : K extends 'bigint'
      ? bigint
      : K extends `decimal(${infer P},${string})`
        ? Trim<P> extends Digits15
          ? number
          : DecimalValue
        : K extends 'decimal'
          ? number
          : K extends 'boolean'
            ? boolean
            : K extends 'timestamp'
              ? Date
              : K extends 'date'
                ? string
                : unknown

/** The value of a field string as reads return it. */
export type FieldValue<S extends string> = Trim<S> extends `->${infer Target}`
  ? BaseOf<Target> extends `${string}[]`
    ? string[]
    : IsRequired<S> extends true
      ? string
      : string | null
  : BaseOf<S> extends `${infer K}[]`
    ? IsRequired<S> extends true
      ? ScalarValue<K>[]
      : ScalarValue<K>[] | null
    : IsRequired<S> extends true
      ? ScalarValue<BaseOf<S>>
      : ScalarValue<BaseOf<S>> | null

/** The system fields every row has. */
export type SystemFields = {
  $id: string
  createdAt: Date
  updatedAt: Date
}

type StoredKeys<D> = {
  [K in keyof D]: K extends `$${string}` ? never : D[K] extends `<-${string}` ? never : D[K] extends string ? K : never
}[keyof D]

/** A stored row of a collection definition. */
export type EntityOf<D> = SystemFields & { -readonly [K in StoredKeys<D>]: D[K] extends string ? FieldValue<D[K]> : unknown }

/** What `create` takes: stored fields, the optional ones may be left out. */
export type InputOf<D> = {
  -readonly [K in StoredKeys<D> as D[K] extends string ? (IsRequired<D[K]> extends true ? K : never) : never]: D[K] extends string ? FieldValue<D[K]> : unknown
} & {
  -readonly [K in StoredKeys<D> as D[K] extends string ? (IsRequired<D[K]> extends true ? never : K) : never]?: D[K] extends string ? FieldValue<D[K]> | undefined : unknown
}

/** Names of a schema's collections (entries without `$from`) and views (with it). */
export type CollectionNames<S> = { [K in keyof S]: S[K] extends { readonly $from: string } ? never : K }[keyof S] & string
export type ViewNames<S> = { [K in keyof S]: S[K] extends { readonly $from: string } ? K : never }[keyof S] & string

/** A schema as DB() takes it. */
export type SchemaInput = Readonly<Record<string, CollectionDefinition>>
