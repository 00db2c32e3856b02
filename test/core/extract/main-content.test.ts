// The main-content clauses M1-M8 (src/core/extract/index.ts), one describe each. Every case also checks that the
// fused CPU scan and finish(t, statesOf(t)) (the GPU path's finish step) agree.
import { describe, expect, it } from 'vitest';
import { extractFullText, extractText, finish, statesOf, type ExtractedText } from '../../../src/core/extract/index.js';

function run(html: string): ExtractedText {
  const fused = extractText(html);
  expect(finish(html, statesOf(html))).toEqual(fused);
  return fused;
}

/** A paragraph of prose: long enough to score (M4), a few commas. */
const prose = (topic: string) =>
  `<p>The ${topic} was discussed at length, with care, by the people who had studied it for years and knew it well.</p>`;
const article = (...topics: string[]) => topics.map(prose).join('');
const NAV = '<nav><ul><li><a href=/>Home</a><li><a href=/news>News</a><li><a href=/sport>Sport</a></ul></nav>';
const lines = (s: string) => (s ? s.split('\n') : []);

describe('M1 output', () => {
  it('splits the lines of text between main and rest, each once and in order', () => {
    const html = `<body>${NAV}<div class=story>${article('river', 'bridge', 'tunnel')}</div><footer>Contact us</footer>`;
    const r = run(html);
    expect(r.mainFound).toBe(true);
    expect(lines(r.main)).toEqual(lines(r.text).filter((l) => !['Home', 'News', 'Sport', 'Contact us'].includes(l)));
    expect(lines(r.rest)).toEqual(['Home', 'News', 'Sport', 'Contact us']);
    expect([...lines(r.main), ...lines(r.rest)].sort()).toEqual(lines(r.text).sort());
  });
  it('falls back to the full text when there is no article', () => {
    const r = run(`<body>${NAV}<ul><li><a href=a>First link</a><li><a href=b>Second link</a></ul>`);
    expect(r).toMatchObject({ mainFound: false, rest: '' });
    expect(r.main).toBe(r.text);
    expect(r.text).toContain('Second link');
  });
  it('gives a page the same main content whatever was extracted before it (scratch memory is reused and grows)', () => {
    const big = `<body>${NAV}` + Array.from({ length: 10000 }, (_, i) => `<div class=c${i % 7}><p>Cell ${i}</p></div>`).join('') +
      `<div class=story>${article('river', 'bridge', 'tunnel')}</div>`;
    const small = `<body>${NAV}<div class=story>${article('lake')}${article('pond', 'marsh')}</div>`;
    const first = run(big);
    expect(first.main).toMatch(/^The river[^\n]*\nThe bridge[^\n]*\nThe tunnel[^\n]*$/);
    const smallFirst = run(small);
    // As a fresh extractor gives it: no score, sum or flag of the bigger page's elements is left in the columns.
    expect(smallFirst.main).toMatch(/^The lake[^\n]*\nThe pond[^\n]*\nThe marsh[^\n]*$/);
    expect(smallFirst.rest).toBe('Home\nNews\nSport');
    expect(run(big)).toEqual(first);
    expect(run(small)).toEqual(smallFirst);
  });
  it('is not looked for by extractFullText, which gives the same text', () => {
    const html = `<body>${NAV}<div class=story>${article('river', 'bridge', 'tunnel')}</div>`;
    const full = extractFullText(html);
    expect(extractText(html).mainFound).toBe(true);
    expect(full).toEqual({ ...extractText(html), main: full.text, rest: '', mainFound: false });
  });
});

describe('M2 structure', () => {
  it('gives the text after a closed boilerplate element to the element around it', () => {
    const r = run(`<div id=body><div class=sidebar>Popular now</div>${article('harbour', 'lighthouse')}</div>`);
    expect(r.main).toContain('The lighthouse');
    expect(r.rest).toBe('Popular now');
  });
  it('closes an open cell at the next cell, so a layout table keeps its navigation apart', () => {
    const r = run(`<table><tr><td class=menu><a href=/>Home</a><br><a href=/x>Archive</a><td>${article('orchard', 'harvest')}</table>`);
    expect(r.main).toContain('The harvest');
    expect(lines(r.rest)).toEqual(['Home', 'Archive']);
  });
  it('ignores an end tag with no open element of its name', () => {
    const r = run(`<div class=content>${prose('glacier')}</section>${prose('moraine')}</div><div class=comments>Nice!</div>`);
    expect(lines(r.main)).toHaveLength(2);
    expect(r.rest).toBe('Nice!');
  });
});

describe('M2 structure: a line\'s block', () => {
  it('keeps a heading a heading when a container opens inside it, so M8 knows the headline', () => {
    const r = run(`<title>Harbour news</title><div class=story><h1><div><span>Harbour news</span></div></h1>${article('quay', 'crane')}</div>`);
    expect(r.text.split('\n')[0]).toBe('Harbour news');
    expect(r.rest).toBe('Harbour news');
  });
  it('counts paragraphs and list items by their own tag, so a list-heavy block inside the article is dropped', () => {
    const items = Array.from({ length: 6 }, (_, i) => `<li>Item number ${i} of a long list</li>`).join('');
    const r = run(`<div class=story>${article('quay', 'crane')}<div class=x><p>One paragraph only</p>${items.replace(/li>/g, 'p>').replace(/<p>/g, '<li>').replace(/<\/p>/g, '</li>')}</div>${article('dock')}</div>`);
    expect(r.main).not.toContain('Item number');
    expect(r.main).toContain('The dock');
  });
});

describe('M3 boilerplate', () => {
  it('drops nav, aside, header, footer, form and figure even when they hold prose', () => {
    const html = `<header>${prose('masthead')}</header><aside>${prose('advert')}</aside>` +
      `<div>${article('valley', 'meadow')}<figure><img src=x><figcaption>${prose('photo')}</figcaption></figure>` +
      `${prose('stream')}<form>${prose('signup')}</form></div><footer>${prose('copyright')}</footer>`;
    const r = run(html);
    expect(r.main).toMatch(/^The valley[^\n]*\nThe meadow[^\n]*\nThe stream[^\n]*$/);
    expect(lines(r.rest)).toHaveLength(5);
  });
  it('drops elements by role and by boilerplate class/id words, not when a rescue word is there', () => {
    const html = `<div role=navigation>${prose('role')}</div><div class="comment-list">${prose('comment')}</div>` +
      `<div id="cookie-banner">${prose('cookie')}</div><div class="main-header">${article('valley', 'meadow')}</div>`;
    const r = run(html);
    expect(r.rest).toMatch(/The role.*\nThe comment.*\nThe cookie/);
    expect(r.main).toMatch(/^The valley.*\nThe meadow/);
  });
  it('reads class and id however they are quoted or cased, and not from inside another attribute\'s value', () => {
    for (const open of ["<div CLASS='share-bar'>", '<div id=sidebar>', '<div data-x=1 class = "x comments">']) {
      expect(run(`${open}${prose('dropped')}</div><div>${article('valley', 'meadow')}</div>`).rest, open).toMatch(/^The dropped/);
    }
    const r = run(`<div title="see class=sidebar">${article('valley', 'meadow')}</div><div>${prose('other')}</div>`);
    expect(r.main).toMatch(/^The valley/);
  });
  it('drops what is not shown: the hidden attribute, aria-hidden=true, display:none and visibility:hidden', () => {
    for (const open of ['<div hidden>', '<div aria-hidden="true">', '<div style="color: red; DISPLAY : none">',
      '<div style=visibility:hidden>']) {
      // The hidden copy has more paragraphs than the visible article, so it would win the scoring if it were shown.
      const r = run(`<div>${article('valley', 'meadow')}</div>${open}${article('copy', 'copy', 'copy', 'copy')}</div>`);
      expect(r.main, open).toMatch(/^The valley[^\n]*\nThe meadow[^\n]*$/);
    }
    const shown = run(`<div>${article('valley', 'meadow')}</div><div aria-hidden="false" style="display: block">` +
      `${article('copy', 'copy', 'copy', 'copy')}</div>`);
    expect(lines(shown.main).filter((l) => l.startsWith('The copy'))).toHaveLength(4);
  });
  it('never drops <article>, role=main or itemprop=articleBody', () => {
    for (const open of ['<article class=sidebar>', '<div class=sidebar role=main>', '<div class=footer itemprop="articleBody">']) {
      const r = run(`${NAV}${open}${article('valley', 'meadow')}</div></article>`);
      expect(r.main, open).toMatch(/^The valley.*\nThe meadow[^\n]*$/);
    }
  });
});

describe('M4 scoring', () => {
  it('takes the element with the most prose', () => {
    const r = run(`<div>${article('one')}</div><div>${article('two', 'three', 'four')}</div>`);
    expect(lines(r.main)).toEqual(lines(r.text).slice(1));
  });
  it('lets a positive class/id outweigh a little more prose, and a negative one lose', () => {
    const r = run(`<section><div>${article('a', 'b', 'c')}</div></section><section><div class=entry>${article('d', 'e')}</div></section>`);
    expect(r.main).toMatch(/^The d[^\n]*\nThe e[^\n]*$/);
    const s = run(`<section><div class=tags>${article('a', 'b', 'c')}</div></section><section><div>${article('d', 'e')}</div></section>`);
    expect(s.main).toMatch(/^The d[^\n]*\nThe e[^\n]*$/);
  });
  it('scales by link density: prose made of links loses', () => {
    const linked = ['one', 'two', 'three'].map((t) => `<p><a href=${t}>${prose(t).slice(3, -4)}</a></p>`).join('');
    const r = run(`<div>${linked}</div><div>${article('four', 'five')}</div>`);
    expect(lines(r.main)).toEqual(lines(r.text).slice(3));
  });
  it('ignores lines shorter than 25 code units', () => {
    const short = Array.from({ length: 30 }, (_, i) => `<p>Short line ${i}</p>`).join('');
    const r = run(`<div>${short}</div><div>${article('four', 'five')}</div>`);
    expect(r.main).toMatch(/^The four.*\nThe five[^\n]*$/);
  });
});

describe('M5 siblings', () => {
  it('joins siblings that score well and prose lines beside the article, not weak ones', () => {
    const html = `<div id=wrap><div>${article('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')}</div><p>${'Long prose beside the article, '.repeat(4)}ok</p>` +
      `<div>${article('four', 'five')}</div><div>Tiny sibling</div></div>`;
    const r = run(html);
    expect(r.main).toMatch(/The h[^\n]*\nLong prose beside[^\n]*\nThe four[^\n]*\nThe five[^\n]*$/);
    expect(r.rest).toBe('Tiny sibling');
  });
});

describe('M6 cleaning', () => {
  it('drops a block of links inside the article, keeps a plain list', () => {
    const links = '<div><a href=a>Read more stories</a> | <a href=b>Subscribe today</a></div>';
    const list = '<ul><li>First point of the list<li>Second point of the list</ul>';
    const r = run(`<div class=article-body>${article('one', 'two')}${links}${list}${article('three')}</div>`);
    expect(r.main).toContain('Second point of the list');
    expect(r.main).toContain('The three');
    expect(r.rest).toBe('Read more stories | Subscribe today');
  });
  it('drops an element with a negative class weight and no score', () => {
    const r = run(`<div class=content>${article('one', 'two')}<div class=meta>Filed under: news</div></div>`);
    expect(r.rest).toBe('Filed under: news');
  });
});

describe('M6 cleaning: bylines and data tables', () => {
  it('drops a short byline, date or caption element even with a positive word beside it', () => {
    const html = `<div class=story><div class="story-byline">By Ann Reporter</div><div class=story-timestamp>Nov. 20, 2019</div>` +
      `${article('quay', 'crane')}<div class="photo-caption">A crane at dusk (Image: Agency)</div>${article('dock')}</div>`;
    const r = run(html);
    expect(lines(r.rest)).toEqual(['By Ann Reporter', 'Nov. 20, 2019', 'A crane at dusk (Image: Agency)']);
  });
  it('keeps a long element whose class says author (an author\'s essay, not a byline)', () => {
    const r = run(`<div class=story><div class=author-text>${article('quay', 'crane')}</div>${article('dock')}</div>`);
    expect(r.main).toContain('The quay');
  });
  it('keeps a data table (one with a th cell) whose cells are short links, drops a layout table of links', () => {
    const rows = ['Alpha', 'Beta', 'Gamma'].map((n) => `<tr><td><a href=/${n}>${n}</a></td><td>${n} row</td></tr>`).join('');
    const data = `<div class=frame><table><tr><th>Name</th><th>Note</th></tr>${rows}</table></div>`;
    const r = run(`<div class=story>${article('quay', 'crane')}${data}${article('dock')}</div>`);
    expect(r.main).toContain('Name Note');
    expect(r.main).toContain('Gamma Gamma row');
    const layoutTable = `<div class=frame><table>${rows}</table></div>`;
    const s = run(`<div class=story>${article('quay', 'crane')}${layoutTable}${article('dock')}</div>`);
    expect(s.rest).toContain('Gamma Gamma row');
  });
});

describe('M7 no article', () => {
  it('needs 200 code units of main content', () => {
    const r = run(`${NAV}<div>${prose('one')}</div>`);
    expect(r.mainFound).toBe(false);
    expect(run(`${NAV}<div>${article('one', 'two')}</div>`).mainFound).toBe(true);
  });
  it('tries again without the class/id words when they hid the article', () => {
    const r = run(`${NAV}<div class="page-row">${article('one', 'two', 'three')}</div>`);
    expect(r.mainFound).toBe(true);
    expect(r.main).toMatch(/^The one.*\nThe two.*\nThe three[^\n]*$/);
    expect(lines(r.rest)).toEqual(['Home', 'News', 'Sport']);
  });
});

describe('M7 no article: a page inside a form or behind a dialog', () => {
  it('lets a form that wraps the whole page hold the article on the second attempt (ASP.NET Web Forms)', () => {
    const r = run(`<body><form id=aspnetForm method=post action=./story.aspx>${NAV}<div>${article('one', 'two', 'three')}</div></form>`);
    expect(r.mainFound).toBe(true);
    expect(r.main).toMatch(/^The one.*\nThe two.*\nThe three[^\n]*$/);
    expect(lines(r.rest)).toEqual(['Home', 'News', 'Sport']);
  });
  it('still drops a form beside the article', () => {
    const r = run(`<body><div>${article('one', 'two')}</div><form><p>Sign up for our newsletter, every week, free of charge, today.</p></form>`);
    expect(r.rest).toBe('Sign up for our newsletter, every week, free of charge, today.');
  });
  it('looks behind aria-hidden on the second attempt: a modal script set it on the page root', () => {
    const html = `<body><div id=root aria-hidden=true>${NAV}<div>${article('one', 'two', 'three')}</div></div>` +
      '<div role=dialog><p>We use cookies to improve your experience on our site.</p><button>Accept</button></div>';
    const r = run(html);
    expect(r.mainFound).toBe(true);
    expect(r.main).toMatch(/^The one.*\nThe two.*\nThe three[^\n]*$/);
    expect(r.rest).toContain('We use cookies');
  });
});

describe('M7 no article: a page whose article is not shown', () => {
  it('looks inside hidden elements last, when nothing shown holds an article (a script reveals it)', () => {
    const r = run(`<body>${NAV}<div id=story style="display: none">${article('one', 'two', 'three')}</div><p>Loading the story</p>`);
    expect(r.mainFound).toBe(true);
    expect(r.main).toMatch(/^The one.*\nThe two.*\nThe three[^\n]*$/);
    expect(lines(r.rest)).toEqual(['Home', 'News', 'Sport', 'Loading the story']);
  });
  it('leaves hidden elements out when something shown holds an article', () => {
    const r = run(`<body><div hidden>${article('quay', 'crane', 'dock')}</div><div>${article('one', 'two')}</div>`);
    expect(r.main).toMatch(/^The one.*\nThe two[^\n]*$/);
  });
});

describe('M8 lines', () => {
  it('sends short lines of links, advertising labels and the repeated headline to rest', () => {
    const html = `<title>Harbour reopens - Daily Port</title><div class=story><h1>Harbour reopens</h1>${article('quay', 'crane')}` +
      `<p><a href=/x>Dock workers strike again</a></p><p>READ MORE: <a href=/y>The tides of the old town and its harbour, explained</a></p>` +
      `<div><span>ADVERTISEMENT</span></div>${article('dock')}<p><strong>Advertisement</strong></p></div>`;
    const r = run(html);
    expect(lines(r.rest)).toEqual(['Harbour reopens', 'Dock workers strike again', 'READ MORE: The tides of the old town and its harbour, explained',
      'ADVERTISEMENT', 'Advertisement']);
    expect(r.main).toMatch(/^The quay[^\n]*\nThe crane[^\n]*\nThe dock[^\n]*$/);
  });
  it('sends image credits and captions in the flow to rest, not prose that mentions a photo', () => {
    const html = `<div class=story>${article('quay')}<p>© Jane Doe A crane at dawn over the quay.</p>` +
      `<p>Photo: John Smith, AP</p>${article('crane')}<p>The dock workers at the gate (Image: GETTY )</p>` +
      `<p>Credits: Harbour Archive</p><p>\u2003Picture: the old quay</p><p>She showed us a photo: the quay in 1900 (image: archive) with its cranes.</p></div>`;
    const r = run(html);
    expect(lines(r.rest)).toEqual(['© Jane Doe A crane at dawn over the quay.', 'Photo: John Smith, AP',
      'The dock workers at the gate (Image: GETTY )', 'Credits: Harbour Archive', '\u2003Picture: the old quay']);
    expect(r.main).toMatch(/^The quay[^\n]*\nThe crane[^\n]*\nShe showed us a photo: the quay in 1900 \(image: archive\) with its cranes\.$/);
  });
  it('sends date lines and bylines in the flow to rest, not prose that starts with By or holds a date', () => {
    const html = `<div class=story><p>By Ann Reporter - 11/18/19 11:04 PM EST</p><p>\n  Published\n   4:00 am CST, Wednesday, November 20, 2019 </p>` +
      `${article('quay', 'crane')}<p>by Jeff Foust</p><p>18 November 2019</p><p>By the numbers</p>` +
      '<p>By Monday, November 18, 2019, the quay had reopened.</p></div>';
    const r = run(html);
    expect(lines(r.rest)).toEqual(['By Ann Reporter - 11/18/19 11:04 PM EST', 'Published 4:00 am CST, Wednesday, November 20, 2019',
      'by Jeff Foust', '18 November 2019']);
    expect(r.main).toMatch(/The crane[^\n]*\nBy the numbers\nBy Monday, November 18, 2019, the quay had reopened\.$/);
  });
  it('keeps prose with a link in it, a heading that is not the title, and a long line of links', () => {
    const longLinks = Array.from({ length: 12 }, (_, i) => `<a href=/${i}>Reference number ${i}</a>`).join(' ');
    const html = `<title>Harbour reopens</title><div class=story><h2>What happened next</h2>${article('quay', 'crane')}` +
      `<p>The mayor said, in <a href=/s>a statement</a>, that the port would reopen on Monday at dawn.</p><p>${longLinks}</p></div>`;
    const r = run(html);
    expect(r.main).toContain('What happened next');
    expect(r.main).toContain('The mayor said, in a statement');
    expect(r.main).toContain('Reference number 11');
    expect(r.rest).toBe('');
  });
});

describe('M9 split article', () => {
  // Each part of the article sits in its own block, two containers deep, so no part is a sibling of another (M5).
  const part = (...topics: string[]) => `<div class=block><div class=cell>${article(...topics)}</div></div>`;
  it('takes the ancestor of an article cut into blocks of about the same score', () => {
    const html = `<body>${NAV}<div id=wrap>${part('river', 'bridge')}${part('tunnel', 'canal')}<div>Advertisement here</div>` +
      `${part('lock', 'weir')}${part('ferry', 'quay')}</div><footer>Contact us</footer>`;
    const r = run(html);
    expect(r.main).toMatch(/^The river[^\n]*\nThe bridge[^\n]*\nThe tunnel[^\n]*\nThe canal[^\n]*\nAdvertisement here\nThe lock[^\n]*\nThe weir[^\n]*\nThe ferry[^\n]*\nThe quay[^\n]*$/);
    expect(lines(r.rest)).toEqual(['Home', 'News', 'Sport', 'Contact us']);
  });
  it('keeps the best part when the ancestor\'s cleaning (M6) would drop the block around it', () => {
    // The first block's share links give it a link density above 0.2: M6 drops such a block inside an article.
    const share = '<a href=/s1>Share this story on social media</a><a href=/s2>Email a friend today</a>' +
      '<a href=/s3>Print this article for later reading</a>';
    const html = `<body><div id=wrap><div class=block><div class=cell>${article('river', 'bridge', 'tunnel')}</div>${share}</div>` +
      `${part('canal', 'lock')}${part('weir', 'ferry')}${part('quay', 'dock')}</div>`;
    const r = run(html);
    expect(r.main).toMatch(/^The river[^\n]*\nThe bridge[^\n]*\nThe tunnel[^\n]*\nThe canal/);
    expect(r.main).toMatch(/The dock[^\n]*$/);
  });
  it('keeps the best block alone when fewer than three others come close to it', () => {
    const html = `<body><div id=wrap>${part('river', 'bridge', 'tunnel', 'canal')}${part('lock')}${part('weir')}` +
      `${part('ferry', 'quay', 'dock', 'pier')}</div>`;
    const r = run(html);
    expect(r.main).toMatch(/^The river[^\n]*\nThe bridge[^\n]*\nThe tunnel[^\n]*\nThe canal[^\n]*$/);
    expect(r.rest).toMatch(/^The lock[^\n]*\nThe weir[^\n]*\nThe ferry/);
  });
});

describe('M10 end of text', () => {
  it('ends the article at a line that opens the comments, with everything of the article after it', () => {
    const html = `<div class=story>${article('quay', 'crane', 'dock')}<h3>12 Comments</h3>` +
      '<div><p>Great piece, thanks, I loved the part about the dock, really.</p><p>Mike, 2 days ago</p></div></div>';
    const r = run(html);
    expect(r.main).toMatch(/^The quay[^\n]*\nThe crane[^\n]*\nThe dock[^\n]*$/);
    expect(lines(r.rest)).toEqual(['12 Comments', 'Great piece, thanks, I loved the part about the dock, really.', 'Mike, 2 days ago']);
  });
  it('ends it at a call for the reader\'s opinion', () => {
    const r = run(`<div class=story>${article('quay', 'crane', 'dock')}<p>Tell us what YOU think...</p><p>Your name</p></div>`);
    expect(lines(r.rest)).toEqual(['Tell us what YOU think...', 'Your name']);
  });
  it('reads the line as the text shows it, its white space collapsed', () => {
    const r = run(`<div class=story>${article('quay', 'crane', 'dock')}<p>Post\n   a&nbsp;comment</p><p>Your name</p></div>`);
    expect(lines(r.rest)).toEqual(['Post a comment', 'Your name']);
  });
  it('does not end it at such a line with more of the article after it than before, or with little before it', () => {
    const early = run(`<div class=story>${article('quay', 'crane')}<p>Comments (5 posted)</p>${article('dock')}</div>`);
    expect(early.main).toContain('Comments (5 posted)');
    const firstHalf = run(`<div class=story>${article('quay', 'crane', 'dock')}<p>Comments (5 posted)</p>` +
      `${article('pier', 'mole', 'jetty', 'slip')}</div>`);
    expect(firstHalf.main).toMatch(/Comments \(5 posted\)\nThe pier[^\n]*\nThe mole[^\n]*\nThe jetty[^\n]*\nThe slip[^\n]*$/);
    expect(firstHalf.rest).toBe('');
  });
});
