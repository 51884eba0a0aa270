import type { Phase } from '../../src/model/record.js';

// IEC's own project stage codes, as the publication history XML writes them in <STAGE> on PREPARING
// rows. IEC prints no harmonized code there, so the record keeps the code itself (`stageLabel`) and
// the rules read its meaning from this table.
//
// Sources:
// - meanings: IEC, "Stage Codes" (www.iec.ch/standardsdev/resources/processes/stage_codes.htm), the
//   list in use since the 2010s (code, meaning, deliverables), and IEC's chart "Stage Codes IS v2"
//   (2020-01), which groups them by phase: preliminary, proposal, committee, enquiry, approval, publication;
// - `step`, the harmonized-stage equivalent that picks the spec/severity.md row ("as the ISO rows of the
//   same phase") and orders the codes: IEC's earlier "Stage Codes" page
//   (www.iec.ch/standardsdev/how/processes/stage_codes.htm), which gave an "equivalent harmonized stage
//   code" for its codes (ACDV 35.99, CCDV 40.2, CDIS 50.2, BPUB 60, PPUB 60.6, CAN 20.98), and for codes
//   it did not list, their place in the 2020 chart. (Its older codes, 1CD…9CD, ADIS, RDIS…, predate the
//   current list and are not mapped: an unknown code is kept as written and reported as bare progress.)
//
// Reading of the codes recorded in ../shared/fixtures/iec: CDM → ACD → CD → ACDV are committee-stage
// steps (draft-progress, minor); BPUB is "being published" (under-publication, major). ACDV is "Approved
// for CDV": the committee decided to circulate a CDV, which is not circulated yet; the enquiry ballot
// opens with CCDV, "Draft circulated as CDV" (the harmonized 40.20: dis-ballot, major).

export type IecEvent = 'draft-progress' | 'dis-ballot' | 'fdis' | 'under-publication' | 'published' | 'withdrawn' | 'deleted';

export interface IecStage {
  /** IEC's meaning of the code, used verbatim in summaries. */
  words: string;
  phase: Phase;
  /** Harmonized-stage equivalent (`30.99`), for the spec row and for telling a move back. */
  step: string;
  /** The spec/severity.md row a document reaching this code triggers. */
  event: IecEvent;
}

const stage = (words: string, phase: Phase, step: string, event: IecEvent): IecStage => ({ words, phase, step, event });

const STAGES: Readonly<Record<string, IecStage>> = {
  PWI: stage('Preliminary work item', 'proposal', '00.00', 'draft-progress'),
  PNW: stage('New work item proposal', 'proposal', '10.00', 'draft-progress'),
  PRVN: stage('Preparation of RVN', 'proposal', '10.60', 'draft-progress'),
  ACD: stage('Approved for CD', 'drafting', '20.99', 'draft-progress'),
  CD: stage('Draft circulated as CD', 'drafting', '30.20', 'draft-progress'),
  CDM: stage('CD to be discussed at meeting', 'drafting', '30.60', 'draft-progress'),
  PCC: stage('Preparation of CC', 'drafting', '30.60', 'draft-progress'),
  ACDV: stage('Approved for CDV', 'drafting', '30.99', 'draft-progress'),
  TCDV: stage('Translation of CDV', 'enquiry', '40.00', 'draft-progress'),
  CCDV: stage('Draft circulated as CDV', 'enquiry', '40.20', 'dis-ballot'),
  PRVC: stage('Preparation of RVC', 'enquiry', '40.60', 'draft-progress'),
  NCDV: stage('CDV rejected', 'enquiry', '40.92', 'draft-progress'),
  CDVM: stage('Rejected CDV to be discussed at a meeting', 'enquiry', '40.93', 'draft-progress'),
  AFDIS: stage('Approved for FDIS', 'enquiry', '40.99', 'draft-progress'),
  ADTR: stage('Approved for DTR', 'enquiry', '40.99', 'draft-progress'),
  ADTS: stage('Approved for DTS', 'enquiry', '40.99', 'draft-progress'),
  RFDIS: stage('FDIS received and registered', 'approval', '50.00', 'fdis'),
  DECFDIS: stage('FDIS at editing check', 'approval', '50.00', 'draft-progress'),
  TFDIS: stage('Translation of FDIS', 'approval', '50.00', 'draft-progress'),
  TDTR: stage('Translation of DTR', 'approval', '50.00', 'draft-progress'),
  TDTS: stage('Translation of DTS', 'approval', '50.00', 'draft-progress'),
  CFDIS: stage('Draft circulated as FDIS', 'approval', '50.20', 'fdis'),
  CDTR: stage('Draft circulated as DTR', 'approval', '50.20', 'fdis'),
  CDTS: stage('Draft circulated as DTS', 'approval', '50.20', 'fdis'),
  CDPAS: stage('Draft circulated as DPAS', 'approval', '50.20', 'fdis'),
  PRVD: stage('Preparation of RVD', 'approval', '50.60', 'fdis'),
  PRVDTR: stage('Preparation of RVDTR', 'approval', '50.60', 'fdis'),
  PRVDTS: stage('Preparation of RVDTS', 'approval', '50.60', 'fdis'),
  PRVDPAS: stage('Preparation of RVDPAS', 'approval', '50.60', 'fdis'),
  NFDIS: stage('FDIS rejected', 'approval', '50.92', 'draft-progress'),
  NDTR: stage('DTR rejected', 'approval', '50.92', 'draft-progress'),
  NDTS: stage('DTS rejected', 'approval', '50.92', 'draft-progress'),
  DTRM: stage('Rejected DTR to be discussed at meeting', 'approval', '50.92', 'draft-progress'),
  DTSM: stage('Rejected DTS to be discussed at meeting', 'approval', '50.92', 'draft-progress'),
  APUB: stage('Approved for publication', 'approval', '50.99', 'fdis'),
  DECPUB: stage('Publication at editing check', 'publishing', '60.00', 'under-publication'),
  BPUB: stage('Being published', 'publishing', '60.00', 'under-publication'),
  TPUB: stage('Translation of publication', 'publishing', '60.00', 'under-publication'),
  RPUB: stage('Publication received and registered', 'publishing', '60.00', 'under-publication'),
  PPUB: stage('Publication issued', 'published', '60.60', 'published'),
  WPUB: stage('Publication withdrawn', 'withdrawn', '95.99', 'withdrawn'),
  DELPUB: stage('Deleted publication', 'withdrawn', '95.99', 'withdrawn'),
  CAN: stage('Draft cancelled', 'deleted', '20.98', 'deleted'),
  DEL: stage('Deleted/abandoned', 'deleted', '20.98', 'deleted'),
};

export function iecStage(code: string | undefined): IecStage | undefined {
  return code !== undefined && Object.hasOwn(STAGES, code) ? STAGES[code] : undefined;
}

/** "Being published [BPUB]"; an unknown code is shown bare rather than given invented words. */
export function describeIecStage(code: string | undefined): string {
  if (code === undefined) return 'in preparation';
  const known = iecStage(code);
  return known === undefined ? `stage ${code}` : `${known.words} [${code}]`;
}

/** `30.99` → 3099: later steps compare greater. */
export function stepOrdinal(step: string): number {
  return Number(step.replace('.', ''));
}
