//! Problems found while validating the configuration: collected, one line
//! each naming the environment variable, so an operator fixes them in one go.

#[derive(Default)]
pub(super) struct Problems(Vec<String>);

impl Problems {
    pub(super) fn push(&mut self, var: &str, what: impl std::fmt::Display) {
        self.0.push(format!("BFF_{var}: {what}"));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn into_lines(self) -> Vec<String> {
        self.0
    }
}
