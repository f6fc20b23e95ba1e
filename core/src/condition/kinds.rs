//! Which JSON types a comparison operand may have: shared by the single-contact and the bulk
//! compilers, so both accept and refuse exactly the same operands with the same words.

/// The JSON types an operand may have.
#[derive(Clone, Copy)]
pub(crate) struct Kinds {
    pub(crate) boolean: bool,
    pub(crate) number: bool,
}

impl Kinds {
    pub(crate) const ANY: Kinds = Kinds {
        boolean: true,
        number: true,
    };
    pub(crate) const ORDERED: Kinds = Kinds {
        boolean: false,
        number: true,
    };
    pub(crate) const TEXT: Kinds = Kinds {
        boolean: false,
        number: false,
    };

    pub(crate) fn describe(self) -> &'static str {
        match (self.boolean, self.number) {
            (true, _) => "text, a number or a boolean",
            (false, true) => "text or a number",
            (false, false) => "text",
        }
    }
}
