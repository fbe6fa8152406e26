"""What the resolver reads off one tagged sentence: which subject mentions are subjects (not
sources, locators or points of comparison), clause limits, coordinated lists, and the years
the sentence states with their roles."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Optional

from pipeline.extract.tokens import Tagged

FIGURES = ("ORD", "FRAC", "PCT", "NUM", "NUMWORD", "RANGE")
PUBLISH_VERBS = ("công", "ban", "tổ", "cho", "chủ", "phát", "hướng", "yêu", "chỉ", "phối", "triển", "vừa", "đã",
                 "tiến", "thực", "giao", "ký", "thông", "đề", "kiểm", "cấp")
PUBLISH_WORDS = {"công bố", "ban hành", "tổ chức", "cho biết", "chủ trì", "phát động", "hướng dẫn", "yêu cầu",
                 "chỉ đạo", "phối hợp", "triển khai", "tiến hành", "thực hiện", "giao", "ký", "thông tin",
                 "đề nghị", "kiểm tra", "cấp", "đánh giá", "thông báo", "ghi nhận", "trao", "tặng", "báo cáo"}


def _word_after(t: Tagged, i: int, n: int = 2) -> str:
    words = [x.text.lower() for x in t.tokens[i + 1:i + 1 + n] if x.has("W") or not x.has("PUNCT")]
    return " ".join(words)


@dataclass
class YearRef:
    tok: int
    year: int
    role: str       # plain | compare | since | deadline | vision | period | date


class SentenceView:
    def __init__(self, tagged: Tagged):
        self.t = tagged
        self.toks = tagged.tokens

    # ---------------------------------------------------------------- structure
    @cached_property
    def paren(self) -> list[int]:
        """Parenthesis depth of each token; an aside between two dashes ('Ninh Bình - địa phương
        từng đứng thứ 6 năm 2021 - đã tụt 15 bậc') counts as a parenthesis."""
        depth, out = 0, []
        for tok in self.toks:
            if tok.has("lpar"):
                out.append(depth)
                depth += 1
            elif tok.has("rpar"):
                depth = max(0, depth - 1)
                out.append(depth)
            else:
                out.append(depth)
        dashes = [t.i for t in self.toks if t.text in ("-", "–", "—") and
                  not (t.i > 0 and self.toks[t.i - 1].has(*FIGURES)) and
                  not (t.i + 1 < len(self.toks) and self.toks[t.i + 1].has(*FIGURES))]
        for a, b in zip(dashes[0::2], dashes[1::2]):
            for k in range(a + 1, b):
                out[k] += 1
        return out

    def clause_start(self, i: int, stops=("semi", "colon", "period")) -> int:
        """First token of the clause holding token i (after the last stop before it)."""
        toks = self.toks
        for k in range(i - 1, -1, -1):
            if not toks[k].tags.isdisjoint(stops):
                return k + 1
        return 0

    def clause_end(self, i: int, stops=("semi", "period")) -> int:
        for k in range(i + 1, len(self.toks)):
            if self.toks[k].has(*stops):
                return k
        return len(self.toks)

    @cached_property
    def figures(self) -> list[int]:
        return [t.i for t in self.toks if t.has(*FIGURES) and t.value is not None]

    def prev_figure(self, i: int) -> Optional[int]:
        prev = [k for k in self.figures if k < i]
        return prev[-1] if prev else None

    def next_figure(self, i: int) -> Optional[int]:
        nxt = [k for k in self.figures if k > i]
        return nxt[0] if nxt else None

    def window(self, i: int) -> tuple[int, int]:
        """The figure's own words before it: from the previous figure or clause stop to it."""
        start = self.clause_start(i, ("semi", "colon", "period", "lpar"))
        prev = self.prev_figure(i)
        if prev is not None and prev >= start:
            start = prev + 1
        return start, i

    def has_between(self, a: int, b: int, *tags: str) -> bool:
        return any(t.has(*tags) for t in self.toks[max(0, a):max(0, b)])

    # ---------------------------------------------------------------- subjects
    def is_subject(self, i: int) -> bool:
        """A subject mention that names who the figures are about, not a source or a locator."""
        tok = self.toks[i]
        sm = tok.ref
        if sm is None or getattr(sm, "attribution", False):
            return False
        before = self.toks[max(0, i - 3):i]
        ranks_next = i + 1 < len(self.toks) and self.toks[i + 1].has("rank1", "rank_verb", "last_place")
        for n, b in enumerate(before):
            if b.has("attribution") and not any(x.has("comma") for x in before[n + 1:]):
                if b.text.lower() in ("do", "bởi") and ranks_next:
                    continue                 # 'chỉ số … do TP. Hồ Chí Minh đứng đầu': the one ranked
                return False                 # 'theo Sở …', 'do Bộ … tổ chức': a source
        head = self.t.text[:tok.start - self.t.offset].lower().rstrip()
        if re.search(r"(?:thứ trưởng|bộ trưởng|giám đốc|chủ tịch|đại diện|lãnh đạo|phó|cục trưởng|viện trưởng|"
                     r"trưởng phòng|phát ngôn|ông|bà|theo)$", head):
            return False                     # 'Thứ trưởng Bộ TTTT …', 'lãnh đạo Sở …': a speaker
        if i > 0 and self.toks[i - 1].text.lower() in ("thuộc", "trực thuộc"):
            return False                     # 'cơ quan quản lý Nhà nước thuộc UBND tỉnh': a locator
        if i > 0 and self.toks[i - 1].has("lpar") and i > 1 and self.toks[i - 2].has("SUBJ"):
            return False                     # 'phường Ninh Sơn (thành phố Tây Ninh)': a locator
        if i > 0 and self.toks[i - 1].has("lpar") and self.paren[i] and i + 1 < len(self.toks) \
                and self.toks[i + 1].has("rpar") and sm.type in ("district", "province") and i > 1 \
                and not self.toks[i - 2].has(*FIGURES):
            return False
        if sm.type in ("ministry", "agency", "other") or (sm.type == "province" and sm.name == "Việt Nam"):
            after = _word_after(self.t, i, 3)
            if any(after.startswith(w) or after.split(" ", 1)[-1].startswith(w) for w in PUBLISH_WORDS):
                return False
        return True

    @cached_property
    def subjects(self) -> list[int]:
        return [t.i for t in self.toks if t.has("SUBJ") and self.is_subject(t.i)]

    def coordination(self, i: int, tag: str = "SUBJ") -> list[int]:
        """The chain of mentions joined to token i by ',', 'và', '&', '/' (A, B và C), in order."""
        chain = [i]
        k = i - 1
        while k >= 1:
            sep = self.toks[k]
            if sep.has("comma", "slash") or sep.text.lower() in ("và", "cùng", "hoặc", "&"):
                j = k - 1
                if j >= 0 and self.toks[j].text.lower() == "và":
                    j -= 1
                if j >= 0 and self.toks[j].has(tag) and (tag != "SUBJ" or self.is_subject(j)):
                    chain.insert(0, j)
                    k = j - 1
                    continue
                j = self._before_appositive(k)
                parallel = k + 2 < len(self.toks) and self.toks[k + 2].has("lpar")
                if j is None and k >= 3 and self.toks[k - 1].has("rpar") and parallel:
                    # 'Bộ Tài chính (78,44%) và Bộ Tư pháp (77,66%)': a bracket after a member
                    lp = next((x for x in range(k - 2, max(-1, k - 10), -1) if self.toks[x].has("lpar")), None)
                    j = lp - 1 if lp is not None and lp >= 1 else None
                if j is not None and self.toks[j].has(tag):
                    chain.insert(0, j)
                    k = j - 1
                    continue
            break
        k = i + 1
        while k < len(self.toks) - 1:
            sep = self.toks[k]
            if sep.has("comma", "slash") or sep.text.lower() in ("và", "cùng", "hoặc", "&"):
                j = k + 1
                if j < len(self.toks) and self.toks[j].text.lower() == "và":
                    j += 1
                if j < len(self.toks) and self.toks[j].has(tag) and (tag != "SUBJ" or self.is_subject(j)):
                    chain.append(j)
                    k = j + 1
                    continue
            break
        if len(chain) == 2:
            a, b = chain
            if not any(t.text.lower() in ("và", "&", "cùng", "hoặc") or t.has("slash") for t in self.toks[a + 1:b]):
                return [i]
        return chain

    def fronted_field(self, k: int) -> bool:
        """'Trong nhóm 17 bộ, ngành cung cấp dịch vụ công, Bộ Tài chính …', 'Với 9 bộ, ngành …, Viện
        Hàn lâm …': the group at figure k is a fronted phrase naming the field the clause ranks in."""
        toks = self.toks
        j = k - 1
        if j >= 0 and toks[j].text.lower() in ("nhóm", "khối", "số"):
            j -= 1
        if j < 0 or toks[j].text.lower() not in ("trong", "với", "ở", "đối với", "giữa", "tại"):
            return False
        if j > 0 and not toks[j - 1].has("comma", "semi", "colon"):
            return False
        end = next((x.i for x in toks[k + 1:k + 16] if x.has("comma", "semi", "period") and
                    not (x.i + 1 < len(toks) and toks[x.i + 1].has("group_noun"))), None)
        return end is not None and toks[end].has("comma") and any(x.has("SUBJ") for x in toks[end + 1:end + 4])

    def _before_appositive(self, k: int) -> Optional[int]:
        """'A, đơn vị dẫn đầu hai năm trước, và B': at the 'và' (k) after an appositive set off by
        commas and opened by a common noun, the token before the appositive."""
        if self.toks[k].text.lower() != "và" or k < 3 or not self.toks[k - 1].has("comma"):
            return None
        for c in range(k - 2, max(0, k - 14), -1):
            t = self.toks[c]
            if t.has("SUBJ", "semi", "period", "colon"):
                return None
            if t.has("comma"):
                return c - 1 if c + 1 < k - 1 and self.toks[c + 1].has("group_noun") else None
        return None

    def list_after(self, i: int, tag: str = "SUBJ", limit: int = 40) -> list[int]:
        """Mentions listed after token i ('là A, B, C và D'), up to the end of the list."""
        out: list[int] = []
        k = i
        end = min(len(self.toks), i + limit)
        while k < end:
            tok = self.toks[k]
            if tok.has(tag) and (tag != "SUBJ" or self.is_subject(k) or self.toks[k].ref.type != "ministry"
                                 or True):
                out.append(k)
                k += 1
                # skip a parenthetical after an item: 'Hải Phòng (thứ ba)', 'phường X (thành phố Y)'
                if k < end and self.toks[k].has("lpar"):
                    while k < end and not self.toks[k].has("rpar"):
                        k += 1
                    k += 1
                continue
            if tok.has("comma", "semi") or tok.text.lower() in ("và", "cùng", "&") or tok.has("colon"):
                if out and tok.has("semi") and not (k + 1 < end and self.toks[k + 1].has(tag)):
                    break
                k += 1
                continue
            if not out and (tok.has("copula", "include", "respectively", "then_list", "colon") or
                            tok.text.lower() in ("là", "gồm", "có")):
                k += 1
                continue
            break
        return out

    # ---------------------------------------------------------------- years
    @cached_property
    def years(self) -> list[YearRef]:
        out = []
        for t in self.toks:
            if t.has("YEAR") and t.value and not t.has("period"):
                out.append(YearRef(t.i, int(t.value), self._year_role(t.i)))
            elif t.has("YEAR") and t.has("period"):
                out.append(YearRef(t.i, int(t.value2 or t.value), "period"))
            elif t.has("DATE") and t.value2:
                role = "month" if re.search(r"(?i)^(?:tháng|quý)|\btháng\s+(?:đầu|cuối)\s+năm", t.text) else "date"
                if any(x.has("compare") for x in self.toks[max(0, t.i - 3):t.i]):
                    role = "compare_month" if role == "month" else "compare"
                elif role == "date" and any(x.has("since_word") for x in self.toks[max(0, t.i - 3):t.i]):
                    role = "since"       # 'kể từ ngày 1/1/2023 đến nay': the period counted
                before = " ".join(x.text.lower() for x in self.toks[max(0, t.i - 6):t.i])
                if role == "month" and re.search(r"công bố|ban hành|phát hành|tổ chức|diễn ra|ký|họp|hội nghị", before):
                    role = "date"       # 'công bố hồi tháng 7.2023': when it was published
                out.append(YearRef(t.i, int(t.value2), role))
        return out

    def _year_role(self, i: int) -> str:
        before = [x for x in self.toks[max(0, i - 4):i]]
        words = " ".join(x.text.lower() for x in before)
        prev = self.toks[i - 1] if i > 0 else None
        prev2 = self.toks[i - 2] if i > 1 else None
        if any(x.has("compare") for x in before) or (prev is not None and prev.text.lower() == "năm" and prev2
                                                       is not None and prev2.has("compare")):
            return "compare"
        if words.endswith(("định hướng đến năm", "định hướng đến", "tầm nhìn đến năm", "tầm nhìn đến",
                           "định hướng năm", "tầm nhìn")):
            return "vision"
        if words.endswith(("tính đến năm", "tính đến", "tính đến hết năm", "tính đến cuối năm", "tính tới năm",
                           "tính tới", "đến nay")):
            return "plain"
        if words.endswith(("đến năm", "đến", "tới năm", "vào năm", "đến cuối năm", "hết năm", "cuối năm",
                           "trước năm", "đến hết năm", "by")):
            return "deadline"
        if (prev is not None and prev.has("since_word")) or words.endswith(("từ năm", "kể từ năm", "từ", "since")):
            return "since"
        if "khi đó" in words:
            return "compare"
        if re.search(r"(?:công bố|ban hành|phát hành|tổ chức)(?: vào| trong| hồi| từ)?(?: năm)?$", words):
            return "date"
        wide = self.t.text[max(0, self.toks[max(0, i - 8)].start - self.t.offset):self.toks[i].start - self.t.offset]
        if re.search(r"(?:Ngày|Hội nghị|Hội thảo|Diễn đàn|Lễ|Triển lãm|Tuần lễ|Đại hội)\s+[A-ZĐÀ-Ỹ][^,;()\d]{0,40}$", wide):
            return "date"       # 'Ngày Chuyển đổi số quốc gia năm 2025': the name of an event
        return "plain"

    def year_near(self, i: int, roles=("plain", "month", "since")) -> Optional[YearRef]:
        """The year the figure at token i is stated for, from its clause: a year right after the
        figure ('12,87% GDP năm 2021'), else the nearest one before it in the clause."""
        start, end = self.clause_start(i, ("semi", "period")), self.clause_end(i)
        cands = [y for y in self.years if start <= y.tok < end and y.role in roles
                 and (self.paren[y.tok] <= self.paren[i] or self.paren[i] > 0)]
        after = [y for y in cands if i < y.tok <= i + 4 and not self.has_between(i + 1, y.tok, *FIGURES)
                 and not self.has_between(i + 1, y.tok, "comma", "semi")]
        if after:
            return after[0]
        before = [y for y in cands if y.tok < i]
        if before:
            return before[-1]
        return None
