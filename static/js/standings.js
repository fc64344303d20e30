// Small pieces shared by the instructor's dashboard and the projector.

/** "1 point", "3 points". */
export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** One line of a leaderboard or podium: rank, nickname (as text), score. */
export function standingItem(s) {
  const li = document.createElement("li");
  li.dataset.rank = String(s.rank);
  const rank = document.createElement("span");
  rank.className = "rank";
  rank.textContent = `${s.rank}.`;
  const nick = document.createElement("span");
  nick.className = "nick";
  nick.textContent = s.nickname;
  const score = document.createElement("span");
  score.className = "score";
  score.textContent = plural(s.score, "point", "points");
  li.append(rank, " ", nick, " ", score);
  return li;
}
