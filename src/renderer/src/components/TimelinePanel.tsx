/** The bottom area. The snapshot timeline of a run fills it in a later update; until then it says so. */
export function TimelinePanel() {
  return (
    <section className="timeline-panel" aria-label="Timeline">
      <h2>Timeline</h2>
      <p className="muted">
        Snapshots of a generation run will line up here as thumbnails to scrub, compare and branch from.
      </p>
    </section>
  );
}
