//! Memory stays proportional to the input (issue 7, defect 9): a catalog of small arrays just
//! under the size limit is read with a bounded peak, counted by a global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::SeqCst) + new_size
                - layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

#[test]
fn a_catalog_of_small_arrays_is_read_in_memory_proportional_to_it() {
    // The hostile shape: `[[],[],...]` as the model list, 4 MiB less a little.
    let head = r#"{"format":"gencost-catalog","version":1,"models":["#;
    let mut text = String::from(head);
    while text.len() < gencost::engine::catalog::MAX_BYTES - 16 {
        text.push_str("[],");
    }
    text.push_str("[]]}");
    assert!(text.len() <= gencost::engine::catalog::MAX_BYTES);
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let result = gencost::engine::Catalog::from_json(&text);
    let peak = PEAK.load(Ordering::SeqCst) - before;
    // premise: it was read (and refused: arrays are not models), not skipped
    assert!(result.is_err());
    let ratio = peak / text.len();
    println!(
        "input {} bytes, peak {} bytes ({ratio} x)",
        text.len(),
        peak
    );
    // 1.4 million values of 32 bytes in a list whose capacity doubles: about 16 x (67 MB), and
    // no problem message per broken model past the first hundred (that was 82 x, 344 MB). The
    // 4 MiB bound keeps the whole under 100 MB; 50 MB took 1.5 GB before it.
    assert!(
        peak < 24 * text.len(),
        "peak {peak} for {} bytes",
        text.len()
    );
}
