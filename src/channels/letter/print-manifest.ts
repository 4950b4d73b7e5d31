// What a batch tells the print house, in `<dir>/<batchId>/manifest.json` and its twin
// `manifest.csv`. No names or addresses: those are in the PDFs, the only place the print house
// needs them. The manifest is uploaded last, under a temporary name and renamed, so its presence
// means the batch is complete; a batch id is printed once (a re-upload replaces the same files).
//
// manifest.json:
//   { "format": "dco-print-manifest/1", "batchId": "2026-11-18-001",
//     "createdAt": "2026-11-18T14:00:00.000Z", "cutoffAt": "2026-11-18T14:00:00.000Z",
//     "totals": { "letters": 2, "pages": 3, "bytes": 104857 },
//     "letters": [ { "messageId": "msg_…", "file": "msg_….pdf", "pages": 2, "bytes": 52011,
//                    "sha256": "<hex of the PDF>", "country": "PL", "postalClass": "standard" }, … ] }
// manifest.csv: `message_id,file,pages,bytes,sha256,country,postal_class`, one row per letter.

export const MANIFEST_FORMAT = 'dco-print-manifest/1';

export interface ManifestLetter {
  messageId: string;
  file: string;
  pages: number;
  bytes: number;
  sha256: string;
  /** The recipient's country (ISO 3166-1 alpha-2): the print house's postage zone. */
  country: string;
  postalClass: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  batchId: string;
  createdAt: string;
  cutoffAt: string;
  totals: { letters: number; pages: number; bytes: number };
  letters: ManifestLetter[];
}

export const letterFile = (messageId: string): string => `${messageId}.pdf`;

export function buildManifest(batchId: string, createdAt: Date, cutoffAt: Date, letters: ReadonlyArray<Omit<ManifestLetter, 'file'>>): Manifest {
  const withFiles = letters.map((l) => ({ messageId: l.messageId, file: letterFile(l.messageId), pages: l.pages, bytes: l.bytes, sha256: l.sha256, country: l.country, postalClass: l.postalClass }));
  return {
    format: MANIFEST_FORMAT,
    batchId,
    createdAt: createdAt.toISOString(),
    cutoffAt: cutoffAt.toISOString(),
    totals: { letters: withFiles.length, pages: withFiles.reduce((n, l) => n + l.pages, 0), bytes: withFiles.reduce((n, l) => n + l.bytes, 0) },
    letters: withFiles,
  };
}

/**
 * The manifest as uploaded, keys in a fixed order. It is stored as jsonb, which does not keep key
 * order, so the text is rebuilt from the fields: every retry uploads the same bytes.
 */
export function manifestJson(m: Manifest): string {
  const ordered = buildManifest(m.batchId, new Date(m.createdAt), new Date(m.cutoffAt), m.letters);
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** RFC 4180 quoting, for the one free-text field (a postal class is configured, not fixed). */
const csvField = (v: string | number): string => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

export function manifestCsv(m: Manifest): string {
  const rows = m.letters.map((l) => [l.messageId, l.file, l.pages, l.bytes, l.sha256, l.country, l.postalClass].map(csvField).join(','));
  return ['message_id,file,pages,bytes,sha256,country,postal_class', ...rows, ''].join('\n');
}
