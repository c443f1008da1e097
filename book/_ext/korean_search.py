"""Sphinx extension: search for the Korean pages.

Sphinx has no Korean search language, and Korean words carry particles: "패딩을", "패딩은" and
"패딩" are one word to a reader and three to a whole-word index. Here each run of Hangul loses the
particle it ends with (the longest that fits, and never the whole run) and is indexed as its
overlapping character pairs (bigrams): "스트라이드를" → 스트, 트라, 라이, 이드. A query is cut the same
way in the browser (the same particles and pairs, written into the page's language_data.js from
this file), and Sphinx keeps the pages that hold all of a query's pairs, so "패딩을" finds every
page that says "패딩" with whatever particle, and "정규화" finds "배치 정규화". Words in other
scripts (English terms in parentheses, code) are stemmed as on the English pages.
"""

import json
import re

from sphinx.search.en import SearchEnglish

HANGUL = "\uac00-\ud7a3"
# Case and other particles, longest first so that "에서는" is not taken for "는".
PARTICLES = sorted(
    "에서는 에서도 에게서 으로는 으로도 으로서 으로써 이라는 이라고 이라면 에서 에게 에는 에도 으로 로서 로써 "
    "까지 부터 이나 라는 라고 처럼 보다 마다 과는 와는 이다 입니다 은 는 이 가 을 를 의 에 로 와 과 도 만".split(),
    key=len,
    reverse=True,
)
RUNS = re.compile(f"[{HANGUL}]+|[^{HANGUL}]+")


def strip_particle(run):
    for particle in PARTICLES:
        if run.endswith(particle) and len(run) > len(particle):
            return run[: -len(particle)]
    return run


def hangul_terms(run, ends_word):
    stem = strip_particle(run) if ends_word else run
    if len(stem) < 2:
        return [stem]
    return [stem[i : i + 2] for i in range(len(stem) - 1)]


def split_words(text, word_pattern=re.compile(r"\w+")):
    """The index terms of text: bigrams of Hangul runs (particles dropped), other words whole."""
    terms = []
    for word in word_pattern.findall(text):
        runs = RUNS.findall(word)
        for position, run in enumerate(runs):
            if re.fullmatch(f"[{HANGUL}]+", run):
                last = position == len(runs) - 1
                if last and position > 0 and run in PARTICLES:  # "ReLU를": the particle alone
                    continue
                terms.extend(hangul_terms(run, ends_word=last))
            else:
                terms.append(run)
    return terms


JS_SPLITTER = f"""
const KOREAN_PARTICLES = {json.dumps(PARTICLES, ensure_ascii=False)};
const HANGUL_RUN = /^[{HANGUL}]+$/;
function stripParticle(run) {{
  for (const particle of KOREAN_PARTICLES)
    if (run.endsWith(particle) && run.length > particle.length) return run.slice(0, -particle.length);
  return run;
}}
function splitQuery(query) {{
  const terms = [];
  for (const word of query.split(/[^\\p{{Letter}}\\p{{Number}}_]+/gu).filter((w) => w)) {{
    const runs = word.match(/[{HANGUL}]+|[^{HANGUL}]+/g);
    runs.forEach((run, position) => {{
      if (!HANGUL_RUN.test(run)) {{ terms.push(run); return; }}
      const last = position === runs.length - 1;
      if (last && position > 0 && KOREAN_PARTICLES.includes(run)) return;
      const stem = last ? stripParticle(run) : run;
      if (stem.length < 2) terms.push(stem);
      else for (let i = 0; i + 1 < stem.length; i++) terms.push(stem.slice(i, i + 2));
    }});
  }}
  return terms;
}}
"""

JS_STEMMER = (
    SearchEnglish.js_stemmer_code.replace("var Stemmer = function", "var EnglishStemmer = function")
    + f"""
var Stemmer = function() {{
  const english = new EnglishStemmer();
  this.stemWord = (word) => (/[{HANGUL}]/.test(word) ? word : english.stemWord(word));
}}
"""
)


class SearchKorean(SearchEnglish):
    lang = "ko"
    language_name = "Korean"
    js_splitter_code = JS_SPLITTER
    js_stemmer_code = JS_STEMMER

    def split(self, input):
        return split_words(input, self._word_re)

    def stem(self, word):
        return word if re.search(f"[{HANGUL}]", word) else super().stem(word)


def setup(app):
    app.add_search_language(SearchKorean)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
