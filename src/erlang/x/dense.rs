//! A small dense linear solver for the level reduction: `Y X = B` for a square `X` and a few rows `B`.
//!
//! Gaussian elimination with partial pivoting on `X^T` (so the right-hand sides are columns), skipping zero
//! multipliers: the blocks of the Erlang X chain are tridiagonal in the rows of idle agents, so those columns
//! cost O(size) rather than O(size²).

/// The pivot was exactly zero: the matrix is singular (it never is for the chain's blocks).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Singular;

/// Solves `Y X = B` in place: `x` is `size × size` and `b` is `rows × size`, both row-major; on return `b` holds
/// `Y = B X^{-1}`. `x` is left unchanged.
pub fn solve_left(x: &[f64], size: usize, b: &mut [f64], rows: usize) -> Result<(), Singular> {
    debug_assert_eq!(x.len(), size * size);
    debug_assert_eq!(b.len(), rows * size);
    if rows == 0 {
        return Ok(());
    }
    // a = X^T (size × size), c = B^T (size × rows): X^T Y^T = B^T.
    let mut a = vec![0.0; size * size];
    for i in 0..size {
        for j in 0..size {
            a[j * size + i] = x[i * size + j];
        }
    }
    let mut c = vec![0.0; size * rows];
    for r in 0..rows {
        for i in 0..size {
            c[i * rows + r] = b[r * size + i];
        }
    }
    for p in 0..size {
        let pivot_row = (p..size)
            .max_by(|&i, &j| a[i * size + p].abs().total_cmp(&a[j * size + p].abs()))
            .expect("a non-empty range");
        if a[pivot_row * size + p] == 0.0 {
            return Err(Singular);
        }
        if pivot_row != p {
            for j in 0..size {
                a.swap(p * size + j, pivot_row * size + j);
            }
            for r in 0..rows {
                c.swap(p * rows + r, pivot_row * rows + r);
            }
        }
        let pivot = a[p * size + p];
        let (upper, lower) = a.split_at_mut((p + 1) * size);
        let pivot_a = &upper[p * size + p..(p + 1) * size];
        let (c_upper, c_lower) = c.split_at_mut((p + 1) * rows);
        let pivot_c = &c_upper[p * rows..];
        for i in 0..size - p - 1 {
            let row = &mut lower[i * size + p..(i + 1) * size];
            if row[0] == 0.0 {
                continue;
            }
            let factor = row[0] / pivot;
            for (value, above) in row.iter_mut().zip(pivot_a) {
                *value -= factor * above;
            }
            for (value, above) in c_lower[i * rows..(i + 1) * rows].iter_mut().zip(pivot_c) {
                *value -= factor * above;
            }
        }
    }
    // Back substitution, column by column of the upper triangle.
    for p in (0..size).rev() {
        let pivot = a[p * size + p];
        let (c_upper, c_rest) = c.split_at_mut(p * rows);
        let solved = &mut c_rest[..rows];
        for value in solved.iter_mut() {
            *value /= pivot;
        }
        for l in 0..p {
            let factor = a[l * size + p];
            if factor == 0.0 {
                continue;
            }
            for (value, known) in c_upper[l * rows..(l + 1) * rows].iter_mut().zip(solved.iter()) {
                *value -= factor * known;
            }
        }
    }
    for r in 0..rows {
        for i in 0..size {
            b[r * size + i] = c[i * rows + r];
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_system_needing_pivoting() {
        // X = [[0, 2, 1], [1, 1, 0], [3, 0, 1]], Y = [[1, 2, 3], [0, -1, 4]]; B = Y X.
        let x = [0.0, 2.0, 1.0, 1.0, 1.0, 0.0, 3.0, 0.0, 1.0];
        let y = [1.0, 2.0, 3.0, 0.0, -1.0, 4.0];
        let mut b = vec![0.0; 6];
        for r in 0..2 {
            for j in 0..3 {
                b[r * 3 + j] = (0..3).map(|k| y[r * 3 + k] * x[k * 3 + j]).sum();
            }
        }
        solve_left(&x, 3, &mut b, 2).unwrap();
        for (got, want) in b.iter().zip(y) {
            assert!((got - want).abs() < 1e-12, "{b:?}");
        }
        assert_eq!(solve_left(&[1.0, 1.0, 1.0, 1.0], 2, &mut [1.0, 0.0], 1), Err(Singular));
    }
}
