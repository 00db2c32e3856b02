// WARC timestamps as people read them. Browser-safe: the engine's own pages and the renderer both show them.

/**
 * A 14-digit WARC timestamp, or a prefix of one, as 'YYYY-MM-DD HH:MM:SS' cut where its digits stop: '2014',
 * '2014-01', '2014-01-26 20:06'. A time asked for as '2014' means "some time in 2014"; padding it to
 * '2014-00-00 00:00:00' would state a moment nobody asked for (and a month 00). An odd last digit is kept as it is
 * ('20141' -> '2014-1'). Anything but 4-14 digits is returned unchanged.
 */
export function timestampText(digits: string): string {
  if (!/^\d{4,14}$/.test(digits)) return digits;
  const [mo, d, h, mi, s] = digits.slice(4).match(/\d\d?/g) ?? [];
  const date = [digits.slice(0, 4), mo, d].filter(Boolean).join('-');
  const time = [h, mi, s].filter(Boolean).join(':');
  return time ? `${date} ${time}` : date;
}
