//! The shared trampoline encoder: one assembler per instruction set. An assembler encodes the
//! instructions it is told to; it never decides where a value lives (that is the CallPlan's job).

pub mod arm64;
pub mod x64;

/// A jump, branch or literal target: bound once with `Asm::bind`, usable before or after
/// binding (both assemblers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(pub(crate) u32);

/// The label table both assemblers share; each keeps its own fixups, since how a distance is
/// encoded is the ISA's business.
#[derive(Default)]
pub(crate) struct Labels(Vec<Option<u32>>);

impl Labels {
    pub(crate) fn new_label(&mut self) -> Label {
        self.0.push(None);
        Label(self.0.len() as u32 - 1)
    }

    /// Bind `l` to `pos`. Panics if `l` is already bound (a bug in the caller).
    pub(crate) fn bind(&mut self, l: Label, pos: u32) {
        let slot = &mut self.0[l.0 as usize];
        assert!(slot.is_none(), "label {} bound twice", l.0);
        *slot = Some(pos);
    }

    /// Where `l` was bound, or an error when it never was.
    pub(crate) fn target(&self, l: Label) -> Result<u32, crate::Error> {
        match self.0.get(l.0 as usize) {
            Some(Some(t)) => Ok(*t),
            _ => Err(crate::Error::Encode(format!(
                "label {} referenced but never bound",
                l.0
            ))),
        }
    }
}
