;; The Gaussian setting's two O(n·d²) loops in WebAssembly SIMD (lib/linalg.ts), assembled into linalg.wasm
;; by `npm run build:wasm`:
;;  - scatterAdd: the lower triangle of S += Σ_r c_r c_rᵀ over centred rows c_r, two columns per f64x2;
;;  - formPoints: x_s = mean + P L z_s for n draws, two draws per f64x2.
;; Each number is computed by exactly the operations, in exactly the order, of the JavaScript loop it
;; replaces, so the two agree bit for bit (SIMD runs across independent entries, never within a sum).
(module
  (memory (export "memory") 1)
  ;; x: m × d rows (f64, row-major); mean: d; c: scratch of 4 × p (p = d rounded up to even);
  ;; s: d × p, its lower triangle accumulated (entries right of the diagonal in a pair are scratch).
  (func (export "scatterAdd") (param $x i32) (param $m i32) (param $d i32) (param $mean i32) (param $c i32) (param $s i32)
    (local $p i32) (local $rowBytes i32) (local $r i32) (local $i i32) (local $j i32) (local $k i32)
    (local $src i32) (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $t v128) (local $at i32) (local $mu f64)
    (local.set $p (i32.and (i32.add (local.get $d) (i32.const 1)) (i32.const -2)))
    (local.set $rowBytes (i32.shl (local.get $p) (i32.const 3)))
    (local.set $c0 (local.get $c))
    (local.set $c1 (i32.add (local.get $c0) (local.get $rowBytes)))
    (local.set $c2 (i32.add (local.get $c1) (local.get $rowBytes)))
    (local.set $c3 (i32.add (local.get $c2) (local.get $rowBytes)))
    ;; zero the padding column of the scratch rows, once
    (if (i32.ne (local.get $p) (local.get $d)) (then
      (f64.store (i32.add (local.get $c0) (i32.shl (local.get $d) (i32.const 3))) (f64.const 0))
      (f64.store (i32.add (local.get $c1) (i32.shl (local.get $d) (i32.const 3))) (f64.const 0))
      (f64.store (i32.add (local.get $c2) (i32.shl (local.get $d) (i32.const 3))) (f64.const 0))
      (f64.store (i32.add (local.get $c3) (i32.shl (local.get $d) (i32.const 3))) (f64.const 0))))
    (local.set $r (i32.const 0))
    ;; four rows at a time
    (block $done4 (loop $rows4
      (br_if $done4 (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $m)))
      (local.set $k (i32.const 0))
      (block $cdone (loop $centre
        (br_if $cdone (i32.ge_u (local.get $k) (local.get $d)))
        (local.set $mu (f64.load (i32.add (local.get $mean) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $src (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $d)) (local.get $k)) (i32.const 3))))
        (local.set $at (i32.shl (local.get $k) (i32.const 3)))
        (f64.store (i32.add (local.get $c0) (local.get $at)) (f64.sub (f64.load (local.get $src)) (local.get $mu)))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $d) (i32.const 3))))
        (f64.store (i32.add (local.get $c1) (local.get $at)) (f64.sub (f64.load (local.get $src)) (local.get $mu)))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $d) (i32.const 3))))
        (f64.store (i32.add (local.get $c2) (local.get $at)) (f64.sub (f64.load (local.get $src)) (local.get $mu)))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $d) (i32.const 3))))
        (f64.store (i32.add (local.get $c3) (local.get $at)) (f64.sub (f64.load (local.get $src)) (local.get $mu)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $centre)))
      (local.set $i (i32.const 0))
      (block $idone (loop $rowsI
        (br_if $idone (i32.ge_u (local.get $i) (local.get $d)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (local.set $a0 (f64x2.splat (f64.load (i32.add (local.get $c0) (local.get $at)))))
        (local.set $a1 (f64x2.splat (f64.load (i32.add (local.get $c1) (local.get $at)))))
        (local.set $a2 (f64x2.splat (f64.load (i32.add (local.get $c2) (local.get $at)))))
        (local.set $a3 (f64x2.splat (f64.load (i32.add (local.get $c3) (local.get $at)))))
        (local.set $j (i32.const 0))
        (block $jdone (loop $cols
          (br_if $jdone (i32.gt_u (local.get $j) (local.get $i)))
          (local.set $at (i32.shl (local.get $j) (i32.const 3)))
          (local.set $t (f64x2.mul (local.get $a0) (v128.load (i32.add (local.get $c0) (local.get $at)))))
          (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $a1) (v128.load (i32.add (local.get $c1) (local.get $at))))))
          (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $a2) (v128.load (i32.add (local.get $c2) (local.get $at))))))
          (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $a3) (v128.load (i32.add (local.get $c3) (local.get $at))))))
          (local.set $src (i32.add (local.get $s) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $p)) (local.get $j)) (i32.const 3))))
          (v128.store (local.get $src) (f64x2.add (v128.load (local.get $src)) (local.get $t)))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowsI)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rows4)))
    ;; the remaining rows, one at a time
    (block $done1 (loop $rows1
      (br_if $done1 (i32.ge_u (local.get $r) (local.get $m)))
      (local.set $k (i32.const 0))
      (block $cdone1 (loop $centre1
        (br_if $cdone1 (i32.ge_u (local.get $k) (local.get $d)))
        (f64.store (i32.add (local.get $c0) (i32.shl (local.get $k) (i32.const 3)))
          (f64.sub (f64.load (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $d)) (local.get $k)) (i32.const 3))))
                   (f64.load (i32.add (local.get $mean) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $centre1)))
      (local.set $i (i32.const 0))
      (block $idone1 (loop $rowsI1
        (br_if $idone1 (i32.ge_u (local.get $i) (local.get $d)))
        (local.set $a0 (f64x2.splat (f64.load (i32.add (local.get $c0) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $j (i32.const 0))
        (block $jdone1 (loop $cols1
          (br_if $jdone1 (i32.gt_u (local.get $j) (local.get $i)))
          (local.set $src (i32.add (local.get $s) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $p)) (local.get $j)) (i32.const 3))))
          (v128.store (local.get $src) (f64x2.add (v128.load (local.get $src))
            (f64x2.mul (local.get $a0) (v128.load (i32.add (local.get $c0) (i32.shl (local.get $j) (i32.const 3)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br $cols1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowsI1)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows1)))
  )

  ;; formPoints: n draws x_s[perm[k]] = mean[perm[k]] + Σ_{c ≤ min(k, r−1)} L[k, c]·z_s[c], from z (n × r,
  ;; row-major), L (d × r, row-major), perm (d i32); out is n × d. Four draws at a time: their z are first
  ;; interleaved into scratch (r × 4), so two draws share each f64x2. A last group of fewer than four
  ;; repeats its last draw and writes only the real ones.
  (func (export "formPoints") (param $L i32) (param $r i32) (param $d i32) (param $perm i32) (param $mean i32)
        (param $z i32) (param $n i32) (param $out i32) (param $zi i32)
    (local $s i32) (local $q i32) (local $src i32) (local $c i32) (local $k i32) (local $last i32) (local $i i32)
    (local $live i32) (local $acc01 v128) (local $acc23 v128) (local $l v128) (local $mu f64) (local $row i32)
    (local.set $s (i32.const 0))
    (block $done (loop $groups
      (br_if $done (i32.ge_u (local.get $s) (local.get $n)))
      (local.set $live (select (i32.sub (local.get $n) (local.get $s)) (i32.const 4) (i32.lt_u (i32.sub (local.get $n) (local.get $s)) (i32.const 4))))
      ;; interleave z of draws s .. s+3 (clamped to the last draw) into zi[c·4 + q]
      (local.set $q (i32.const 0))
      (block $qd (loop $qs
        (br_if $qd (i32.ge_u (local.get $q) (i32.const 4)))
        (local.set $src (i32.add (local.get $z) (i32.shl (i32.mul
          (select (i32.add (local.get $s) (local.get $q)) (i32.sub (local.get $n) (i32.const 1)) (i32.lt_u (local.get $q) (local.get $live)))
          (local.get $r)) (i32.const 3))))
        (local.set $c (i32.const 0))
        (block $cd (loop $cs
          (br_if $cd (i32.ge_u (local.get $c) (local.get $r)))
          (f64.store (i32.add (local.get $zi) (i32.shl (i32.add (i32.shl (local.get $c) (i32.const 2)) (local.get $q)) (i32.const 3)))
            (f64.load (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 3)))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $cs)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $qs)))
      (local.set $k (i32.const 0))
      (block $kd (loop $ks
        (br_if $kd (i32.ge_u (local.get $k) (local.get $d)))
        (local.set $last (select (local.get $k) (i32.sub (local.get $r) (i32.const 1)) (i32.lt_s (local.get $k) (local.get $r))))
        (local.set $acc01 (f64x2.splat (f64.const 0)))
        (local.set $acc23 (f64x2.splat (f64.const 0)))
        (local.set $row (i32.add (local.get $L) (i32.shl (i32.mul (local.get $k) (local.get $r)) (i32.const 3))))
        (local.set $c (i32.const 0))
        (block $cd2 (loop $cs2
          (br_if $cd2 (i32.gt_s (local.get $c) (local.get $last)))
          (local.set $l (f64x2.splat (f64.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 3))))))
          (local.set $src (i32.add (local.get $zi) (i32.shl (local.get $c) (i32.const 5))))
          (local.set $acc01 (f64x2.add (local.get $acc01) (f64x2.mul (local.get $l) (v128.load (local.get $src)))))
          (local.set $acc23 (f64x2.add (local.get $acc23) (f64x2.mul (local.get $l) (v128.load offset=16 (local.get $src)))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $cs2)))
        (local.set $i (i32.load (i32.add (local.get $perm) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $mu (f64.load (i32.add (local.get $mean) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $src (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $s) (local.get $d)) (local.get $i)) (i32.const 3))))
        (f64.store (local.get $src) (f64.add (local.get $mu) (f64x2.extract_lane 0 (local.get $acc01))))
        (if (i32.gt_u (local.get $live) (i32.const 1)) (then
          (f64.store (i32.add (local.get $src) (i32.shl (local.get $d) (i32.const 3))) (f64.add (local.get $mu) (f64x2.extract_lane 1 (local.get $acc01))))))
        (if (i32.gt_u (local.get $live) (i32.const 2)) (then
          (f64.store (i32.add (local.get $src) (i32.shl (local.get $d) (i32.const 4))) (f64.add (local.get $mu) (f64x2.extract_lane 0 (local.get $acc23))))))
        (if (i32.gt_u (local.get $live) (i32.const 3)) (then
          (f64.store (i32.add (local.get $src) (i32.mul (local.get $d) (i32.const 24))) (f64.add (local.get $mu) (f64x2.extract_lane 1 (local.get $acc23))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $ks)))
      (local.set $s (i32.add (local.get $s) (i32.const 4)))
      (br $groups)))
  )
)
