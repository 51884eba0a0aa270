import { z } from 'zod';

// The licence vocabulary of spec/licences.md: every published item carries one.

export const LICENCE_TAGS = [
  'proprietary-metadata-only',
  'public-domain',
  'open-attribution',
  'share-alike-noncommercial',
  'facts-and-quotation',
] as const;
export const licenceTagSchema = z.enum(LICENCE_TAGS);
export type LicenceTag = z.infer<typeof licenceTagSchema>;

export const licenceSchema = z
  .object({
    tag: licenceTagSchema,
    rights: z.string().min(1).max(300),
    attribution: z.string().min(1).max(300),
    /** A URI for dcterms:license; absent where the source has no licence document. */
    uri: z.string().url().optional(),
  })
  .strict();
export type Licence = z.infer<typeof licenceSchema>;

export const ISO_PAGE_LICENCE: Licence = {
  tag: 'proprietary-metadata-only',
  rights: 'ISO/IEC copyright — metadata only',
  attribution: 'Catalogue metadata from iso.org; the standard itself is © ISO/IEC and sold by ISO and its members.',
  uri: 'https://www.iso.org/terms-conditions-licence-agreement.html',
};

export const ISO_OPEN_DATA_LICENCE: Licence = {
  tag: 'proprietary-metadata-only',
  rights: 'ISO/IEC copyright — metadata only',
  attribution: 'Contains ISO Open Data (ISO deliverables metadata), © ISO, licensed under ODC-By 1.0',
  uri: 'https://opendatacommons.org/licenses/by/1-0/',
};
