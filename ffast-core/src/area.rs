//! The *area* of a binding: native memory where JS writes aggregate arguments and reads an
//! aggregate result, at a stable address the trampolines hold as a constant (see
//! [`crate::signature`]). 16-byte aligned, zero-filled, freed on drop.

/// 16 bytes at 16-byte alignment: the allocation unit.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Chunk([u8; 16]);

/// An owned, 16-aligned block whose bytes are only ever accessed through raw pointers (JS
/// through an external ArrayBuffer, generated code through its address), so Rust holds no
/// reference into it.
pub struct Area {
    ptr: *mut Chunk,
    chunks: usize,
}

impl Area {
    /// `size` bytes (rounded up to 16), zero-filled. `Area::new(0)` allocates nothing.
    pub fn new(size: u32) -> Area {
        let chunks = (size as usize).div_ceil(16);
        let b: Box<[Chunk]> = vec![Chunk([0; 16]); chunks].into_boxed_slice();
        Area {
            ptr: Box::into_raw(b).cast::<Chunk>(),
            chunks,
        }
    }

    /// Address of the first byte (dangling but aligned when the area is empty).
    pub fn addr(&self) -> usize {
        self.ptr as usize
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.chunks * 16
    }

    pub fn is_empty(&self) -> bool {
        self.chunks == 0
    }

    /// The bytes, for tests and tools that own the area exclusively.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: `ptr` owns `len()` initialised bytes (zeroed at creation, then written only
        // with plain bytes); `&mut self` makes this the only Rust view while it lives.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.cast::<u8>(), self.len()) }
    }
}

impl Drop for Area {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`chunks` came from `Box::into_raw` of a boxed slice of that length in
        // `new`, and are released exactly once, here.
        unsafe {
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                self.ptr,
                self.chunks,
            )))
        };
    }
}

// SAFETY: the area is plain bytes with a single owner; ffast-node keeps each binding (and its
// area) on its JS thread, and moving the owner moves no bytes.
unsafe impl Send for Area {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_zeroed_and_rounded() {
        for size in [0u32, 1, 16, 17, 100] {
            let mut a = Area::new(size);
            assert_eq!(a.addr() % 16, 0);
            assert_eq!(a.len(), (size as usize).div_ceil(16) * 16);
            assert!(a.bytes_mut().iter().all(|&b| b == 0));
            a.bytes_mut().fill(7);
        }
    }
}
