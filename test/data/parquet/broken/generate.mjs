// SPDX-License-Identifier: Apache-2.0
// Regenerates the broken-Parquet corpus: valid seed files written by DuckDB, then mutated byte by
// byte or re-serialized with one field changed through the small Thrift compact-protocol codec
// below. Writes the *.parquet files, expected.tsv (read by src/parquet/reader/broken_corpus_test.cc)
// and README.md (the same table for people).
//   node test/data/parquet/broken/generate.mjs      (from the repository root)
import { DuckDBInstance } from "@duckdb/node-api";
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

// ---- Thrift compact protocol: a generic tree, enough to edit parquet.thrift structs ----
// A struct is an array of {id, type, value}; lists are {elemType, items}. i64 values are BigInt.
const T = { STOP: 0, TRUE: 1, FALSE: 2, I8: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8,
            LIST: 9, SET: 10, MAP: 11, STRUCT: 12 };

class Reader {
  constructor(buf, pos = 0) { this.buf = buf; this.pos = pos; }
  byte() {
    if (this.pos >= this.buf.length) throw new Error("thrift: truncated");
    return this.buf[this.pos++];
  }
  varint() {
    let result = 0n, shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  zigzag() { const v = this.varint(); return (v >> 1n) ^ -(v & 1n); }
  value(type) {
    switch (type) {
      case T.TRUE: case T.FALSE: return this.byte() === 1;  // inside lists: one byte
      case T.I8: return (this.byte() << 24) >> 24;
      case T.I16: case T.I32: return Number(this.zigzag());
      case T.I64: return this.zigzag();
      case T.DOUBLE: { const v = this.buf.readDoubleLE(this.pos); this.pos += 8; return v; }
      case T.BINARY: {
        const n = Number(this.varint());
        const v = this.buf.subarray(this.pos, this.pos + n);
        this.pos += n;
        return Buffer.from(v);
      }
      case T.LIST: case T.SET: {
        const h = this.byte();
        let n = h >> 4;
        if (n === 15) n = Number(this.varint());
        const elemType = h & 15, items = [];
        for (let i = 0; i < n; ++i) items.push(this.value(elemType));
        return { elemType, items };
      }
      case T.STRUCT: return this.struct();
      default: throw new Error(`thrift: unsupported type ${type}`);
    }
  }
  struct() {
    const fields = [];
    let last = 0;
    for (;;) {
      const h = this.byte();
      const type = h & 15;
      if (type === T.STOP) return fields;
      const delta = h >> 4;
      const id = delta ? last + delta : Number(this.zigzag());
      last = id;
      const value = type === T.TRUE || type === T.FALSE ? type === T.TRUE : this.value(type);
      fields.push({ id, type, value });
    }
  }
}

class Writer {
  constructor() { this.bytes = []; }
  varint(v) {
    v = BigInt.asUintN(64, BigInt(v));
    while (v >= 0x80n) { this.bytes.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
    this.bytes.push(Number(v));
  }
  zigzag(v) { v = BigInt(v); this.varint((v << 1n) ^ (v >> 63n)); }
  value(type, v) {
    switch (type) {
      case T.TRUE: case T.FALSE: this.bytes.push(v ? 1 : 2); break;
      case T.I8: this.bytes.push(v & 0xff); break;
      case T.I16: case T.I32: case T.I64: this.zigzag(v); break;
      case T.DOUBLE: { const b = Buffer.alloc(8); b.writeDoubleLE(v); this.bytes.push(...b); break; }
      case T.BINARY: this.varint(v.length); for (const b of v) this.bytes.push(b); break;
      case T.LIST: case T.SET:
        if (v.items.length < 15) this.bytes.push((v.items.length << 4) | v.elemType);
        else { this.bytes.push(0xf0 | v.elemType); this.varint(v.items.length); }
        for (const item of v.items) this.value(v.elemType, item);
        break;
      case T.STRUCT: this.struct(v); break;
      default: throw new Error(`thrift: unsupported type ${type}`);
    }
  }
  struct(fields) {
    let last = 0;
    for (const f of fields) {
      let type = f.type;
      if (type === T.TRUE || type === T.FALSE) type = f.value ? T.TRUE : T.FALSE;
      const delta = f.id - last;
      if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
      else { this.bytes.push(type); this.zigzag(f.id); }
      last = f.id;
      if (type !== T.TRUE && type !== T.FALSE) this.value(type, f.value);
    }
    this.bytes.push(T.STOP);
  }
  buffer() { return Buffer.from(this.bytes); }
}

const encodeStruct = (fields) => { const w = new Writer(); w.struct(fields); return w.buffer(); };
const field = (s, id) => s.find((f) => f.id === id);
// Sets field `id` of struct `s` (adding it with `type` if absent).
function setField(s, id, type, value) {
  const f = field(s, id);
  if (f) { f.value = value; return; }
  s.push({ id, type, value });
  s.sort((a, b) => a.id - b.id);
}

// ---- Parquet file surgery ----
function parseFile(buf) {
  const footerLen = buf.readUInt32LE(buf.length - 8);
  const footerStart = buf.length - 8 - footerLen;
  return { footer: new Reader(buf, footerStart).struct(), footerStart };
}
function withFooter(buf, footer, footerStart) {
  const body = encodeStruct(footer);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  return Buffer.concat([buf.subarray(0, footerStart), body, len, Buffer.from("PAR1")]);
}
// Applies fn(footer) to the parsed footer and re-serializes it.
function editFooter(buf, fn) {
  const { footer, footerStart } = parseFile(buf);
  fn(footer);
  return withFooter(buf, footer, footerStart);
}
const rowGroup = (footer, r = 0) => field(footer, 4).value.items[r];
const chunkMeta = (footer, r, c) => field(field(rowGroup(footer, r), 1).value.items[c], 3).value;

// Every page of column chunk (r, c): [{offset, header, headerLen}].
function pages(buf, r, c) {
  const { footer } = parseFile(buf);
  const md = chunkMeta(footer, r, c);
  const dict = field(md, 11);
  let pos = Number(dict && dict.value > 0n ? dict.value : field(md, 9).value);
  const end = pos + Number(field(md, 7).value);
  const out = [];
  while (pos < end) {
    const rd = new Reader(buf, pos);
    const header = rd.struct();
    out.push({ offset: pos, header, headerLen: rd.pos - pos });
    pos = rd.pos + field(header, 3).value;
  }
  return out;
}
// Replaces page `index` of chunk (r, c) by `header` + `payload`, fixing every footer offset and
// size that the length change shifts.
function replacePage(buf, r, c, index, header, payload) {
  const page = pages(buf, r, c)[index];
  const oldPayloadLen = field(page.header, 3).value;
  const newHeader = encodeStruct(header);
  const oldEnd = page.offset + page.headerLen + oldPayloadLen;
  const delta = newHeader.length + payload.length - (page.headerLen + oldPayloadLen);
  const { footer, footerStart } = parseFile(buf);
  const out = Buffer.concat([buf.subarray(0, page.offset), newHeader, payload,
                             buf.subarray(oldEnd, footerStart)]);
  if (delta !== 0) {
    const d = BigInt(delta);
    for (const [ri, rg] of field(footer, 4).value.items.entries()) {
      for (const [ci, cc] of field(rg, 1).value.items.entries()) {
        const md = field(cc, 3).value;
        for (const id of [9, 10, 11]) {  // data, index, dictionary page offsets
          const f = field(md, id);
          if (f && f.value > BigInt(page.offset)) f.value += d;
        }
        if (ri === r && ci === c) field(md, 7).value += d;  // total_compressed_size
        for (const id of [2, 4, 6]) {  // file_offset, offset/column index offsets
          const f = field(cc, id);
          if (f && f.value > BigInt(page.offset)) f.value += d;
        }
      }
    }
  }
  return withFooter(out, footer, footerStart + delta);
}
// Re-serializes page `index` of chunk (r, c) after fn(header); the payload is kept.
function editPage(buf, r, c, index, fn) {
  const page = pages(buf, r, c)[index];
  const payload = buf.subarray(page.offset + page.headerLen,
                               page.offset + page.headerLen + field(page.header, 3).value);
  fn(page.header);
  return replacePage(buf, r, c, index, page.header, payload);
}
// Rewrites the uncompressed v1 data page `index` of an OPTIONAL column as a DATA_PAGE_V2 (DuckDB
// only writes v1 pages): the levels lose their 4-byte length prefix and move to the v2 header.
function toDataPageV2(buf, r, c, index) {
  const page = pages(buf, r, c)[index];
  const payload = buf.subarray(page.offset + page.headerLen,
                               page.offset + page.headerLen + field(page.header, 3).value);
  const levelsLen = payload.readUInt32LE(0);
  const body = payload.subarray(4);
  const v1 = dataPageHeader(page.header);
  const numValues = field(v1, 1).value;
  const header = [
    { id: 1, type: T.I32, value: 3 },  // DATA_PAGE_V2
    { id: 2, type: T.I32, value: body.length },
    { id: 3, type: T.I32, value: body.length },
    { id: 8, type: T.STRUCT, value: [
      { id: 1, type: T.I32, value: numValues },
      { id: 2, type: T.I32, value: 0 },  // num_nulls
      { id: 3, type: T.I32, value: numValues },  // num_rows
      { id: 4, type: T.I32, value: field(v1, 2).value },
      { id: 5, type: T.I32, value: levelsLen },
      { id: 6, type: T.I32, value: 0 },
      { id: 7, type: T.FALSE, value: false },  // is_compressed
    ] },
  ];
  return replacePage(buf, r, c, index, header, Buffer.from(body));
}
// Overwrites bytes at `offset` of the payload (after the header) of page `index` of chunk (r, c).
function patchPayload(buf, r, c, index, offset, bytes) {
  const page = pages(buf, r, c)[index];
  const out = Buffer.from(buf);
  Buffer.from(bytes).copy(out, page.offset + page.headerLen + offset);
  return out;
}
const dataPageHeader = (h) => field(h, 5).value;
const dataPageHeaderV2 = (h) => field(h, 8).value;
const dictPageHeader = (h) => field(h, 7).value;

// Deterministic bytes for the garbled footer (xorshift32).
function noise(n, seed) {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; ++i) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

// ---- Seeds ----
const tmp = mkdtempSync(join(tmpdir(), "fgm-broken-"));
const con = await (await DuckDBInstance.create(":memory:")).connect();
async function seed(name, query, options) {
  const path = join(tmp, `${name}.parquet`);
  await con.run(`COPY (${query}) TO '${path}' (FORMAT parquet, ${options})`);
  return readFileSync(path);
}
// Column 0: INT64 "a", PLAIN v1 pages; column 1: VARCHAR "s" with a dictionary of 3 values.
const plain = await seed("plain", "SELECT i::BIGINT AS a, 'v' || (i % 3) AS s FROM range(100) t(i)",
                         "COMPRESSION uncompressed, PARQUET_VERSION v1");
const zstd = await seed("zstd", "SELECT i::BIGINT AS a FROM range(1000) t(i)",
                        "COMPRESSION zstd, PARQUET_VERSION v1");
// DuckDB's PARQUET_VERSION v2 means v2 encodings (here DELTA_BINARY_PACKED) in v1 data pages;
// the page is then rewritten as a DATA_PAGE_V2.
const v2 = toDataPageV2(await seed("v2", "SELECT (i * 3)::BIGINT AS a FROM range(100) t(i)",
                                   "COMPRESSION uncompressed, PARQUET_VERSION v2"), 0, 0, 0);
// One 8 MiB string: its page compresses to a few hundred bytes with ZSTD.
const bomb = await seed("bomb", "SELECT repeat('x', 8 * 1024 * 1024) AS s",
                        "COMPRESSION zstd, PARQUET_VERSION v1");
const nested = await seed("nested",
                          "SELECT {'x': i, 'y': 'a'} AS st, [i, i] AS l FROM range(10) t(i)",
                          "COMPRESSION uncompressed");
rmSync(tmp, { recursive: true });

const footerStart = (buf) => buf.length - 8 - buf.readUInt32LE(buf.length - 8);
const largestPage = (buf) => {
  const all = pages(buf, 0, 0);
  return all.reduce((best, p, i) => (field(p.header, 2).value > field(all[best].header, 2).value ? i : best), 0);
};

// [file, bytes, expected code, message fragment, stage (open|read), what it is]
const cases = [
  ["empty.parquet", Buffer.alloc(0), "Corrupt", "smaller than the 12 bytes", "open", "0-byte file"],
  ["magic_only.parquet", Buffer.from("PAR1"), "Corrupt", "smaller than the 12 bytes", "open",
   "just the leading magic"],
  ["truncated_11_bytes.parquet", plain.subarray(0, 11), "Corrupt", "smaller than the 12 bytes",
   "open", "first 11 bytes"],
  ["truncated_half.parquet", plain.subarray(0, plain.length >> 1), "Corrupt",
   "no PAR1 magic at the end", "open", "first half of a valid file"],
  ["truncated_minus_1.parquet", plain.subarray(0, plain.length - 1), "Corrupt",
   "no PAR1 magic at the end", "open", "last byte missing"],
  ["truncated_in_footer.parquet",
   Buffer.concat([plain.subarray(0, footerStart(plain) + 20), plain.subarray(plain.length - 8)]),
   "Corrupt", "footer", "open", "footer cut after 20 bytes, trailer kept (length now lies)"],
  ["truncated_in_data.parquet",
   Buffer.concat([plain.subarray(0, 200), plain.subarray(footerStart(plain))]),
   "Corrupt", "outside the file's data region", "open",
   "data pages cut out, footer kept: chunks point past the data"],
  ["bad_magic_head.parquet", Buffer.concat([Buffer.from("PAR0"), plain.subarray(4)]), "Corrupt",
   "no PAR1 magic at the start", "open", "leading magic PAR0"],
  ["bad_magic_tail.parquet", Buffer.concat([plain.subarray(0, plain.length - 4), Buffer.from("PARX")]),
   "Corrupt", "no PAR1 magic at the end", "open", "trailing magic PARX"],
  ["encrypted_footer_magic.parquet",
   Buffer.concat([plain.subarray(0, plain.length - 4), Buffer.from("PARE")]), "Unsupported",
   "encrypted footer", "open", "trailing magic PARE (encrypted footer)"],
  ["footer_length_zero.parquet", (() => { const b = Buffer.from(plain); b.writeUInt32LE(0, b.length - 8); return b; })(),
   "Corrupt", "footer length is zero", "open", "footer length field 0"],
  ["footer_length_past_file.parquet", (() => { const b = Buffer.from(plain); b.writeUInt32LE(b.length, b.length - 8); return b; })(),
   "Corrupt", "larger than the file allows", "open", "footer length = file size"],
  ["footer_length_huge.parquet", (() => { const b = Buffer.from(plain); b.writeUInt32LE(0xffffffff, b.length - 8); return b; })(),
   "Corrupt", "larger than the file allows", "open", "footer length 0xFFFFFFFF"],
  ["garbled_footer.parquet", (() => {
     const b = Buffer.from(plain);
     noise(b.length - 8 - footerStart(b), 12345).copy(b, footerStart(b));
     return b;
   })(), "Corrupt", "footer", "open", "footer bytes replaced by noise"],
  ["footer_chunk_offset_past_eof.parquet",
   editFooter(plain, (f) => { field(chunkMeta(f, 0, 0), 9).value = 1000000000000n; }),
   "Corrupt", "outside the file's data region", "open", "data_page_offset 10^12"],
  ["footer_chunk_size_past_eof.parquet",
   editFooter(plain, (f) => { field(chunkMeta(f, 0, 1), 7).value = 1000000n; }),
   "Corrupt", "outside the file's data region", "open", "total_compressed_size 10^6"],
  ["footer_negative_num_rows.parquet", editFooter(plain, (f) => { field(f, 3).value = -5n; }),
   "Corrupt", "num_rows is negative", "open", "FileMetaData.num_rows -5"],
  ["footer_negative_chunk_size.parquet",
   editFooter(plain, (f) => { field(chunkMeta(f, 0, 0), 7).value = -1n; }),
   "Corrupt", "total_compressed_size is negative", "open", "total_compressed_size -1"],
  ["footer_negative_row_group_rows.parquet",
   editFooter(plain, (f) => { field(rowGroup(f), 3).value = -100n; }),
   "Corrupt", "num_rows is negative", "open", "RowGroup.num_rows -100"],
  ["footer_num_values_mismatch.parquet",
   editFooter(plain, (f) => { field(chunkMeta(f, 0, 0), 5).value = 99n; }),
   "Corrupt", "num_values 99 differs", "open", "chunk num_values 99 in a 100-row group"],
  ["footer_num_rows_mismatch.parquet", editFooter(plain, (f) => { field(f, 3).value = 1000n; }),
   "Corrupt", "footer's num_rows is 1000", "open", "file num_rows 1000, row groups hold 100"],
  ["footer_missing_column_chunk.parquet",
   editFooter(plain, (f) => { field(rowGroup(f), 1).value.items.pop(); }),
   "Corrupt", "has 1 column chunks, the schema has 2", "open", "row group lists 1 of 2 chunks"],
  ["footer_schema_bad_child_count.parquet",
   editFooter(plain, (f) => { field(field(f, 2).value.items[0], 5).value = 7; }),
   "Corrupt", "schema", "open", "root num_children 7 with 2 leaves"],
  ["footer_unknown_codec.parquet",
   editFooter(plain, (f) => { field(chunkMeta(f, 0, 0), 4).value = 42; }),
   "Corrupt", "codec is not a known compression codec (42)", "open", "codec 42"],
  ["footer_unknown_physical_type.parquet",
   editFooter(plain, (f) => { field(field(f, 2).value.items[1], 1).value = 9; }),
   "Corrupt", "is not a known physical type (9)", "open", "schema type 9"],
  ["footer_type_mismatch.parquet",
   editFooter(plain, (f) => { field(chunkMeta(f, 0, 0), 1).value = 1; }),
   "Corrupt", "chunk type INT32 differs from the schema's INT64", "open",
   "chunk says INT32, schema INT64"],
  ["brotli_codec.parquet", editFooter(plain, (f) => { field(chunkMeta(f, 0, 0), 4).value = 4; }),
   "Unsupported", "BROTLI", "read", "codec BROTLI (valid enum, not implemented)"],
  ["nested_schema.parquet", nested, "Unsupported", "schema", "open",
   "valid DuckDB file with STRUCT and LIST columns"],
  ["page_lying_compressed_size.parquet",
   editPage(plain, 0, 0, 0, (h) => { field(h, 3).value = 1000000; }),
   "Corrupt", "runs past the end of the column chunk", "read", "data page compressed size 10^6"],
  ["page_negative_compressed_size.parquet",
   editPage(plain, 0, 0, 0, (h) => { field(h, 3).value = -7; }),
   "Corrupt", "compressed_page_size is negative", "read", "data page compressed size -7"],
  ["page_huge_uncompressed_size.parquet",
   editPage(zstd, 0, 0, 0, (h) => { field(h, 2).value = 0x7fffffff; }),
   "Corrupt", "exceeds the reader's cap", "read", "ZSTD page claiming 2 GiB uncompressed"],
  ["page_negative_num_values.parquet",
   editPage(plain, 0, 0, 0, (h) => { field(dataPageHeader(h), 1).value = -3; }),
   "Corrupt", "num_values is negative", "read", "data page num_values -3"],
  ["page_too_many_values.parquet",
   editPage(plain, 0, 0, 0, (h) => { field(dataPageHeader(h), 1).value = 5000; }),
   "Corrupt", "more than the chunk's 100 values", "read", "data page num_values 5000 in a 100-value chunk"],
  ["page_unknown_type.parquet", editPage(plain, 0, 0, 0, (h) => { field(h, 1).value = 9; }),
   "Corrupt", "page header", "read", "page type 9"],
  ["page_unknown_encoding.parquet",
   editPage(plain, 0, 0, 0, (h) => { field(dataPageHeader(h), 2).value = 42; }),
   "Unsupported", "unknown encoding 42", "read", "data page encoding 42"],
  ["page_encoding_wrong_type.parquet",
   editPage(plain, 0, 0, 0, (h) => { field(dataPageHeader(h), 2).value = 6; }),
   "Unsupported", "DELTA_LENGTH_BYTE_ARRAY for a INT64 column", "read",
   "DELTA_LENGTH_BYTE_ARRAY on INT64"],
  ["page_bit_packed_levels.parquet",
   editPage(plain, 0, 0, 0, (h) => { field(dataPageHeader(h), 3).value = 4; }),
   "Unsupported", "BIT_PACKED", "read", "definition levels BIT_PACKED (deprecated)"],
  ["page_levels_length_past_page.parquet", patchPayload(plain, 0, 0, 0, 0, [0xff, 0xff, 0xff, 0x7f]),
   "Corrupt", "definition levels length", "read", "v1 level length prefix 2^31-1"],
  ["page_plain_values_short.parquet",
   editPage(plain, 0, 0, 0, (h) => {
     // Keep the page bytes but claim every row is a value beyond what PLAIN holds: drop the
     // level section by declaring the column... simplest: shrink compressed/uncompressed sizes.
     field(h, 3).value -= 400; field(h, 2).value -= 400;
   }),
   "Corrupt", "PLAIN values need", "read", "data page cut 400 bytes short (sizes agree, values missing)"],
  ["dict_index_out_of_range.parquet",
   editPage(plain, 0, 1, 0, (h) => { field(dictPageHeader(h), 1).value = 1; }),
   "Corrupt", "out of range (dictionary has 1 values)", "read",
   "dictionary page claims 1 entry, indices go to 2"],
  ["dict_negative_size.parquet",
   editPage(plain, 0, 1, 0, (h) => { field(dictPageHeader(h), 1).value = -1; }),
   "Corrupt", "num_values is negative", "read", "dictionary num_values -1"],
  ["dict_huge_size.parquet",
   editPage(plain, 0, 1, 0, (h) => { field(dictPageHeader(h), 1).value = 0x7fffffff; }),
   "Corrupt", "byte arrays cannot fit", "read", "dictionary num_values 2^31-1 in a few bytes"],
  ["dict_page_twice.parquet", (() => {
     // Declare the data page a dictionary page too: the chunk then has two dictionary pages.
     return editPage(plain, 0, 1, 1, (h) => {
       h.splice(0, h.length, ...pages(plain, 0, 1)[0].header.map((f) => ({ ...f })));
     });
   })(), "Corrupt", "dictionary", "read", "two dictionary pages in one chunk"],
  ["zstd_bomb_claims_small.parquet",
   editPage(bomb, 0, 0, largestPage(bomb), (h) => { field(h, 2).value = 1000; }),
   "Corrupt", "ZSTD", "read", "page inflating to 8 MiB whose header claims 1000 bytes"],
  ["zstd_claims_more_than_output.parquet",
   editPage(zstd, 0, 0, 0, (h) => { field(h, 2).value = 50000000; }),
   "Corrupt", "ZSTD", "read", "ZSTD page claiming 50 MB, inflating to ~8 KB"],
  ["zstd_garbage_payload.parquet", (() => {
     const p = pages(zstd, 0, 0)[0];
     const b = Buffer.from(zstd);
     noise(Math.min(64, field(p.header, 3).value), 777).copy(b, p.offset + p.headerLen);
     return b;
   })(), "Corrupt", "ZSTD", "read", "ZSTD frame bytes replaced by noise"],
  ["v2_negative_level_length.parquet",
   editPage(v2, 0, 0, 0, (h) => { field(dataPageHeaderV2(h), 5).value = -4; }),
   "Corrupt", "definition_levels_byte_length is negative", "read", "v2 def level length -4"],
  ["v2_level_length_past_page.parquet",
   editPage(v2, 0, 0, 0, (h) => { field(dataPageHeaderV2(h), 5).value = 100000; }),
   "Corrupt", "exceed the page size", "read", "v2 def level length 100000"],
  ["v2_rows_differ_from_values.parquet",
   editPage(v2, 0, 0, 0, (h) => { field(dataPageHeaderV2(h), 3).value = 7; }),
   "Corrupt", "num_rows 7 != num_values", "read", "v2 num_rows 7 vs num_values 100"],
  ["v2_dbp_bad_block.parquet", (() => {
     const p = pages(v2, 0, 0)[0];
     const levels = field(dataPageHeaderV2(p.header), 5).value;
     return patchPayload(v2, 0, 0, 0, levels, [0x00]);  // block size 0
   })(), "Corrupt", "DELTA_BINARY_PACKED", "read", "DELTA_BINARY_PACKED block size 0"],
];

for (const name of readdirSync(here)) {
  if (name.endsWith(".parquet")) unlinkSync(join(here, name));
}
let tsv = "# file\tcode\tmessage fragment\tstage\n";
let table = "";
for (const [name, bytes, code, fragment, stage, what] of cases) {
  writeFileSync(join(here, name), bytes);
  tsv += `${name}\t${code}\t${fragment}\t${stage}\n`;
  table += `| ${name} | ${what} | ${stage} | ${code}: ...${fragment}... |\n`;
}
writeFileSync(join(here, "expected.tsv"), tsv);
writeFileSync(join(here, "README.md"), `# Broken Parquet corpus

Every file here is wrong in one specific way. \`src/parquet/reader/broken_corpus_test.cc\` opens
each with FileReader and reads every column chunk (whole, by row ranges, and through the dump and
inspect tools); each must fail cleanly with the status code and message fragment below, at the
stage given (\`open\`: FileReader::Open fails; \`read\`: Open succeeds and a read fails), and never
crash, hang or allocate wildly. The same files seed the libFuzzer corpus (scripts/fuzz.sh).

Generated by \`node test/data/parquet/broken/generate.mjs\` (from the repository root): DuckDB
writes small valid seeds, then the script truncates, overwrites bytes, or re-serializes one Thrift
field through its own compact-protocol codec (page-header edits fix up the footer offsets they
shift). \`expected.tsv\` is the machine-readable form of this table; both are regenerated together,
so edit the \`cases\` list in the script, not these files.

Seeds: \`plain\` (100 rows: INT64 \`a\` PLAIN, VARCHAR \`s\` dictionary of 3; uncompressed, data
page v1), \`zstd\` (1000 INT64 rows, ZSTD), \`v2\` (100 INT64 rows, DELTA_BINARY_PACKED; DuckDB writes
a v1 page, rewritten here as DATA_PAGE_V2), \`bomb\` (one 8 MiB string, ZSTD), \`nested\` (STRUCT and LIST columns).

| file | what is wrong | stage | expected |
|------|---------------|-------|----------|
${table}`);
console.log(`wrote ${cases.length} files`);
