import type { CourseRevenueResolvers } from '../generated/graphql.js';

export const CourseRevenue: CourseRevenueResolvers = {
  course: (line) => ({ __typename: 'Course', id: line.course_id }),
  orders: (line) => line.orders,
  revenue: (line) => line.revenue,
  withheld: (line) => line.withheld,
};
