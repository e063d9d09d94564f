/** Text matching for search boxes: Vietnamese marks optional ("Lam Thao" finds "Lâm Thao"), case ignored. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}
