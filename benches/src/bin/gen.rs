//! Writes the benchmark inputs to `benches/data/` so that peer scripts measure the same data.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    std::fs::create_dir_all(&dir)?;
    for n in [100, 1_000, 10_000] {
        let text = serde_json::to_string(&sequenza_benches::big_flow(n))?;
        std::fs::write(dir.join(format!("flow_{n}.json")), text)?;
    }
    std::fs::write(
        dir.join("fields.json"),
        sequenza_benches::fields().to_string(),
    )?;
    println!("wrote {}", dir.display());
    Ok(())
}
