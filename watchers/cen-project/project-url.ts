// Where the project number is: the APEX `p` parameter, `App:Page:Session:Request:Debug:ClearCache:
// ItemNames:ItemValues`, whose item names and values are comma-separated lists in the same order:
//   f?cs=…&p=CEN:110:0::::FSP_PROJECT,FSP_ORG_ID:19677,733642   (a watched page: project, committee)
//   f?p=CEN:110:::::FSP_PROJECT:80753&cs=…                       (a "Superseded by" link)
//   f?p=205:111:::::FSP_PROJECT_CROSSREF,FSP_PROJECT:EN-SPACE-473,19677   (a normative reference)
// `cs=` is APEX's checksum of the rest of the URL: it is kept as it is, never built.

const BASE = 'https://standards.cencenelec.eu/ords/';

/** The value of one APEX item in a project-page URL or link (absolute or relative), or undefined. */
export function apexItem(href: string, item: string): string | undefined {
  let p: string | null;
  try {
    p = new URL(href, BASE).searchParams.get('p');
  } catch {
    return undefined;
  }
  if (p === null) return undefined;
  const parts = p.split(':');
  const names = (parts[6] ?? '').split(',');
  const values = (parts[7] ?? '').split(',');
  const index = names.indexOf(item);
  return index < 0 ? undefined : values[index];
}

/** FSP_PROJECT of a URL when it is a project number. */
export function projectNumber(href: string): string | undefined {
  const value = apexItem(href, 'FSP_PROJECT')?.trim();
  return value !== undefined && /^\d{1,12}$/.test(value) ? value : undefined;
}

export function projectKey(href: string): string | undefined {
  const project = projectNumber(href);
  return project === undefined ? undefined : `cen:${project}`;
}

/**
 * The public page of a project. The watched source URL is that page (its `cs=` checksum included);
 * for any other project, a URL without checksum in the form of the page's own relation links.
 */
export function projectPageUrl(key: string, sourceUrl: string): string {
  if (projectKey(sourceUrl) === key) return sourceUrl;
  const project = key.replace(/^cen:/, '');
  return `${BASE}f?p=CEN:110:::::FSP_PROJECT:${encodeURIComponent(project)}`;
}
