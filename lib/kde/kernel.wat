;; Gaussian kernel sums for the KDE setting, two points per SIMD instruction (WebAssembly f64x2).
;; Assembled into kernel.wasm by `npm run build:wasm` (wabt); lib/kde/wasm-kernel.ts loads it, and a test
;; checks that the two agree. For each query j it writes near[j], the smallest squared distance to a
;; point, and s[j] = Σ_i exp(−(D_ij − near[j])·inv) over the terms with (D_ij − near[j])·inv < cut; the
;; caller takes log s[j] − near[j]·inv. exp(−x) is exp-neg.ts's: a table of exp(−k/64) (at $tab, 5121
;; entries) times a degree-6 Taylor polynomial. Terms past the cutoff are computed (x clamped to 79, inside
;; the table) and masked out, which costs less than branching per lane.
(module
  (memory (export "memory") 1)
  ;; d = 2: points as 2 coordinate arrays (m even; pad with a point at infinity), queries row-major.
  (func (export "gaussianSums2") (param $px i32) (param $py i32) (param $m i32) (param $qs i32) (param $q i32)
        (param $inv f64) (param $cut f64) (param $tab i32) (param $outS i32) (param $outN i32)
    (local $j i32) (local $k i32) (local $end i32) (local $qx v128) (local $dx v128) (local $qy v128) (local $dy v128)
    (local $d v128) (local $mn v128) (local $near f64) (local $nearv v128) (local $invv v128) (local $cutv v128)
    (local $z v128) (local $t v128) (local $iv v128) (local $f v128) (local $p v128) (local $acc v128)
    (local.set $invv (f64x2.splat (local.get $inv)))
    (local.set $cutv (f64x2.splat (local.get $cut)))
    (local.set $end (i32.shl (local.get $m) (i32.const 3)))
    (block $done (loop $queries
      (br_if $done (i32.ge_u (local.get $j) (local.get $q)))
      (local.set $qx (f64x2.splat (f64.load offset=0 (i32.add (local.get $qs) (i32.mul (local.get $j) (i32.const 16))))))
      (local.set $qy (f64x2.splat (f64.load offset=8 (i32.add (local.get $qs) (i32.mul (local.get $j) (i32.const 16))))))
      ;; pass 1: the nearest point's squared distance
      (local.set $mn (f64x2.splat (f64.const inf)))
      (local.set $k (i32.const 0))
      (block $b1 (loop $l1
        (br_if $b1 (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $dx (f64x2.sub (v128.load (i32.add (local.get $px) (local.get $k))) (local.get $qx)))
        (local.set $dy (f64x2.sub (v128.load (i32.add (local.get $py) (local.get $k))) (local.get $qy)))
        (local.set $mn (f64x2.min (local.get $mn) (f64x2.add (f64x2.mul (local.get $dx) (local.get $dx)) (f64x2.mul (local.get $dy) (local.get $dy)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $l1)))
      (local.set $near (f64.min (f64x2.extract_lane 0 (local.get $mn)) (f64x2.extract_lane 1 (local.get $mn))))
      (local.set $nearv (f64x2.splat (local.get $near)))
      ;; pass 2: Σ exp(−(D − near)·inv) over the terms inside the cutoff, exp as in exp-neg.ts
      (local.set $acc (f64x2.splat (f64.const 0)))
      (local.set $k (i32.const 0))
      (block $b2 (loop $l2
        (br_if $b2 (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $dx (f64x2.sub (v128.load (i32.add (local.get $px) (local.get $k))) (local.get $qx)))
        (local.set $dy (f64x2.sub (v128.load (i32.add (local.get $py) (local.get $k))) (local.get $qy)))
        (local.set $z (f64x2.mul (f64x2.sub (f64x2.add (f64x2.mul (local.get $dx) (local.get $dx)) (f64x2.mul (local.get $dy) (local.get $dy))) (local.get $nearv)) (local.get $invv)))
        (if (v128.any_true (f64x2.lt (local.get $z) (local.get $cutv)))
          (then
            (local.set $t (f64x2.min (local.get $z) (f64x2.splat (f64.const 79))))
            (local.set $iv (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (local.get $t) (f64x2.splat (f64.const 64)))))
            (local.set $f (f64x2.sub (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $iv)) (f64x2.splat (f64.const 0.015625))) (local.get $t)))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 0.008333333333333333)) (f64x2.mul (local.get $f) (f64x2.splat (f64.const 0.001388888888888889)))))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 0.041666666666666664)) (f64x2.mul (local.get $f) (local.get $p))))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 0.16666666666666666)) (f64x2.mul (local.get $f) (local.get $p))))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 0.5)) (f64x2.mul (local.get $f) (local.get $p))))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f) (local.get $p))))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f) (local.get $p))))
            (local.set $p (f64x2.mul (local.get $p)
              (f64x2.replace_lane 1
                (f64x2.splat (f64.load (i32.add (local.get $tab) (i32.shl (i32x4.extract_lane 0 (local.get $iv)) (i32.const 3)))))
                (f64.load (i32.add (local.get $tab) (i32.shl (i32x4.extract_lane 1 (local.get $iv)) (i32.const 3)))))))
            (local.set $acc (f64x2.add (local.get $acc) (v128.and (local.get $p) (f64x2.lt (local.get $z) (local.get $cutv)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $l2)))
      (f64.store (i32.add (local.get $outS) (i32.shl (local.get $j) (i32.const 3)))
        (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      (f64.store (i32.add (local.get $outN) (i32.shl (local.get $j) (i32.const 3))) (local.get $near))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $queries)))
  )

  ;; d = 3: points as 3 coordinate arrays (m even; pad with a point at infinity), queries row-major.
  (func (export "gaussianSums3") (param $px i32) (param $py i32) (param $pz i32) (param $m i32) (param $qs i32) (param $q i32)
        (param $inv f64) (param $cut f64) (param $tab i32) (param $outS i32) (param $outN i32)
    (local $j i32) (local $k i32) (local $end i32) (local $qx v128) (local $dx v128) (local $qy v128) (local $dy v128) (local $qz v128) (local $dz v128)
    (local $d v128) (local $mn v128) (local $near f64) (local $nearv v128) (local $invv v128) (local $cutv v128)
    (local $z v128) (local $t v128) (local $iv v128) (local $f v128) (local $p v128) (local $acc v128)
    (local.set $invv (f64x2.splat (local.get $inv)))
    (local.set $cutv (f64x2.splat (local.get $cut)))
    (local.set $end (i32.shl (local.get $m) (i32.const 3)))
    (block $done (loop $queries
      (br_if $done (i32.ge_u (local.get $j) (local.get $q)))
      (local.set $qx (f64x2.splat (f64.load offset=0 (i32.add (local.get $qs) (i32.mul (local.get $j) (i32.const 24))))))
      (local.set $qy (f64x2.splat (f64.load offset=8 (i32.add (local.get $qs) (i32.mul (local.get $j) (i32.const 24))))))
      (local.set $qz (f64x2.splat (f64.load offset=16 (i32.add (local.get $qs) (i32.mul (local.get $j) (i32.const 24))))))
      ;; pass 1: the nearest point's squared distance
      (local.set $mn (f64x2.splat (f64.const inf)))
      (local.set $k (i32.const 0))
      (block $b1 (loop $l1
        (br_if $b1 (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $dx (f64x2.sub (v128.load (i32.add (local.get $px) (local.get $k))) (local.get $qx)))
        (local.set $dy (f64x2.sub (v128.load (i32.add (local.get $py) (local.get $k))) (local.get $qy)))
        (local.set $dz (f64x2.sub (v128.load (i32.add (local.get $pz) (local.get $k))) (local.get $qz)))
        (local.set $mn (f64x2.min (local.get $mn) (f64x2.add (f64x2.add (f64x2.mul (local.get $dx) (local.get $dx)) (f64x2.mul (local.get $dy) (local.get $dy))) (f64x2.mul (local.get $dz) (local.get $dz)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $l1)))
      (local.set $near (f64.min (f64x2.extract_lane 0 (local.get $mn)) (f64x2.extract_lane 1 (local.get $mn))))
      (local.set $nearv (f64x2.splat (local.get $near)))
      ;; pass 2: Σ exp(−(D − near)·inv) over the terms inside the cutoff, exp as in exp-neg.ts
      (local.set $acc (f64x2.splat (f64.const 0)))
      (local.set $k (i32.const 0))
      (block $b2 (loop $l2
        (br_if $b2 (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $dx (f64x2.sub (v128.load (i32.add (local.get $px) (local.get $k))) (local.get $qx)))
        (local.set $dy (f64x2.sub (v128.load (i32.add (local.get $py) (local.get $k))) (local.get $qy)))
        (local.set $dz (f64x2.sub (v128.load (i32.add (local.get $pz) (local.get $k))) (local.get $qz)))
        (local.set $z (f64x2.mul (f64x2.sub (f64x2.add (f64x2.add (f64x2.mul (local.get $dx) (local.get $dx)) (f64x2.mul (local.get $dy) (local.get $dy))) (f64x2.mul (local.get $dz) (local.get $dz))) (local.get $nearv)) (local.get $invv)))
        (if (v128.any_true (f64x2.lt (local.get $z) (local.get $cutv)))
          (then
            (local.set $t (f64x2.min (local.get $z) (f64x2.splat (f64.const 79))))
            (local.set $iv (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (local.get $t) (f64x2.splat (f64.const 64)))))
            (local.set $f (f64x2.sub (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $iv)) (f64x2.splat (f64.const 0.015625))) (local.get $t)))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 0.008333333333333333)) (f64x2.mul (local.get $f) (f64x2.splat (f64.const 0.001388888888888889)))))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 0.041666666666666664)) (f64x2.mul (local.get $f) (local.get $p))))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 0.16666666666666666)) (f64x2.mul (local.get $f) (local.get $p))))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 0.5)) (f64x2.mul (local.get $f) (local.get $p))))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f) (local.get $p))))
            (local.set $p (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f) (local.get $p))))
            (local.set $p (f64x2.mul (local.get $p)
              (f64x2.replace_lane 1
                (f64x2.splat (f64.load (i32.add (local.get $tab) (i32.shl (i32x4.extract_lane 0 (local.get $iv)) (i32.const 3)))))
                (f64.load (i32.add (local.get $tab) (i32.shl (i32x4.extract_lane 1 (local.get $iv)) (i32.const 3)))))))
            (local.set $acc (f64x2.add (local.get $acc) (v128.and (local.get $p) (f64x2.lt (local.get $z) (local.get $cutv)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $l2)))
      (f64.store (i32.add (local.get $outS) (i32.shl (local.get $j) (i32.const 3)))
        (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      (f64.store (i32.add (local.get $outN) (i32.shl (local.get $j) (i32.const 3))) (local.get $near))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $queries)))
  )
)
