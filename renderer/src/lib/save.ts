import type { SaveFileResult } from '../api/types';

/** Saves a text file: a Save dialog in the desktop app, a download in the browser. */
export async function saveTextFile(suggestedName: string, content: string): Promise<SaveFileResult> {
  if (window.cardops) return window.cardops.saveFile({ suggestedName, content });
  const url = URL.createObjectURL(new Blob([content], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = suggestedName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { saved: true, path: suggestedName };
}
