//! Summing numbers held as logarithms without overflow (log-sum-exp, streaming).

/// A running sum of `exp(x)` over terms given as `x`, kept as `(max, sum of exp(x - max))`.
#[derive(Debug, Clone, Copy)]
pub struct LogSum {
    max: f64,
    scaled: f64,
}

impl Default for LogSum {
    fn default() -> Self {
        LogSum {
            max: f64::NEG_INFINITY,
            scaled: 0.0,
        }
    }
}

impl LogSum {
    /// Adds `exp(log_term)`.
    pub fn add(&mut self, log_term: f64) {
        if log_term == f64::NEG_INFINITY {
            return;
        }
        if log_term > self.max {
            self.scaled = self.scaled * (self.max - log_term).exp() + 1.0;
            self.max = log_term;
        } else {
            self.scaled += (log_term - self.max).exp();
        }
    }

    /// The logarithm of the sum (negative infinity when empty).
    pub fn ln(&self) -> f64 {
        if self.scaled == 0.0 {
            f64::NEG_INFINITY
        } else {
            self.max + self.scaled.ln()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_huge_terms_without_overflow() {
        let mut sum = LogSum::default();
        sum.add(1000.0);
        sum.add(1000.0);
        assert!((sum.ln() - (1000.0 + 2f64.ln())).abs() < 1e-12);
        let mut small = LogSum::default();
        for x in [1.0f64, 2.0, 3.0] {
            small.add(x.ln());
        }
        assert!((small.ln().exp() - 6.0).abs() < 1e-12);
    }
}
